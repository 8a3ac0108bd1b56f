import { gunzipSync } from 'node:zlib';
import { RECOLOUR_MS, ViewCache } from '../../../app/view-cache';

/** The polled views' cache: fresh at the next read after a change, built once for concurrent polls. */
describe('ViewCache', () => {
  let version = 'v1';
  let now = 0;
  let builds = 0;
  const cache = () =>
    new ViewCache(
      async () => version,
      10,
      () => now,
    );
  const build = async () => ({ build: ++builds, version });

  beforeEach(() => {
    version = 'v1';
    now = 0;
    builds = 0;
  });

  it('builds once for concurrent polls and serves the same answer while nothing changed', async () => {
    const c = cache();
    const answers = await Promise.all([c.get('board', build), c.get('board', build), c.get('board', build)]);
    expect(answers).toEqual([
      { build: 1, version: 'v1' },
      { build: 1, version: 'v1' },
      { build: 1, version: 'v1' },
    ]);
    expect(await c.get('board', build)).toEqual({ build: 1, version: 'v1' });
    expect(builds).toBe(1);
  });

  it('rebuilds at the very next read once the version changes (a new event, a health change)', async () => {
    const c = cache();
    await c.get('board', build);
    version = 'v2';
    expect(await c.get('board', build)).toEqual({ build: 2, version: 'v2' });
  });

  it('recolours in the background once the answer is old, serving the last one meanwhile', async () => {
    const c = cache();
    await c.get('board', build);
    now = RECOLOUR_MS;
    expect(await c.get('board', build)).toEqual({ build: 1, version: 'v1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await c.get('board', build)).toEqual({ build: 2, version: 'v1' });
  });

  it('keeps no failed build and keeps views apart by key', async () => {
    const c = cache();
    await expect(c.get('inbox:基教处', () => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(await c.get('inbox:基教处', build)).toEqual({ build: 1, version: 'v1' });
    expect(await c.get('inbox:职成处', build)).toEqual({ build: 2, version: 'v1' });
  });

  it('serves the gzipped JSON of the same answer', async () => {
    const c = cache();
    const body = await c.gzippedJson('board', build);
    expect(JSON.parse(gunzipSync(body).toString('utf8'))).toEqual({ build: 1, version: 'v1' });
    expect(await c.gzippedJson('board', build)).toBe(body);
  });
});

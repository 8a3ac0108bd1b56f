import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyFile, KeyFileSigner } from '../../../app/signing';

/** A signer follows its key file across a rotation, looking at the file at most once a second. */
describe('KeyFileSigner', () => {
  const person = { userId: '基教处-李四', role: 'unit_staff', unit: '基教处' };
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-key-file-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const writeKey = (file: string) => {
    const { file: key } = generateKeyFile('service', '测试');
    fs.writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
    return key.keyId;
  };

  it('signs with the rotated key once a second has passed, not before', () => {
    const file = path.join(dir, 'service.json');
    const first = writeKey(file);
    let now = 1_000_000;
    const signer = new KeyFileSigner(file, () => now);
    const keyIdOfSigned = () => signer.sign('approve', 'wf-1', { actor: person }).keyId;
    expect(keyIdOfSigned()).toBe(first);

    // Swapped as `dudao keys rotate` does; a later mtime makes the change visible to stat.
    const second = writeKey(path.join(dir, 'next.json'));
    fs.renameSync(path.join(dir, 'next.json'), file);
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(file, later, later);

    now += 999;
    expect(keyIdOfSigned()).toBe(first);
    now += 1;
    expect(keyIdOfSigned()).toBe(second);
    expect(signer.keyId).toBe(second);
  });
});

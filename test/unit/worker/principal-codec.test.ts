import type { Payload } from '@temporalio/common';
import { generateKeyFile, CommandSigner, publicKeyFromBase64, type VerifyingKey } from '../../../app/signing';
import { KeyUnavailable, PrincipalCodec, SigningKeyCache } from '../../../worker/principal-codec';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const json = (text: string): Payload => ({
  metadata: { encoding: encoder.encode('json/plain') },
  data: encoder.encode(text),
});
const read = (p: Payload): Record<string, { verdict?: unknown }> =>
  JSON.parse(decoder.decode(p.data!)) as Record<string, { verdict?: unknown }>;

describe('the worker’s principal codec', () => {
  const { file, publicKey } = generateKeyFile('service', '单元测试');
  const keys = new Map<string, VerifyingKey>([
    [file.keyId, { publicKey: publicKeyFromBase64(publicKey), revokedAt: null }],
  ]);
  const cache = { get: async (keyId: string) => keys.get(keyId) ?? null } as unknown as SigningKeyCache;
  const codec = new PrincipalCodec(cache);
  const command = {
    type: 'acknowledge',
    actor: { userId: 'u1', role: 'unit_staff', unit: '基教处' },
    assignmentId: 'mp-01/2017/lead',
  };

  it('writes a positive verdict only for a valid signature', async () => {
    const proof = new CommandSigner(file).sign('acknowledge', 'wf-1', command);
    const [ok] = await codec.decode([json(JSON.stringify({ ...command, proof }))]);
    expect(read(ok!).proof!.verdict).toEqual({ ok: true, keyId: file.keyId });
    const [tampered] = await codec.decode([json(JSON.stringify({ ...command, assignmentId: 'x', proof }))]);
    expect(read(tampered!).proof!.verdict).toMatchObject({
      ok: false,
      reason: expect.stringMatching('签名无效'),
    });
  });

  it('replaces a verdict the sender wrote, even behind a \\u escape of the key', async () => {
    const proof = { ...new CommandSigner(file).sign('acknowledge', 'wf-1', command), signature: 'AAAA' };
    const forged = JSON.stringify({
      ...command,
      proof: { ...proof, verdict: { ok: true, keyId: file.keyId } },
    }).replace('"proof"', '"\\u0070roof"');
    const [decoded] = await codec.decode([json(forged)]);
    expect(read(decoded!).proof!.verdict).toMatchObject({ ok: false });
  });

  it('leaves payloads without a proof untouched', async () => {
    const plain = json(JSON.stringify({ a: 1, text: '普惠性幼儿园' }));
    const binary: Payload = {
      metadata: { encoding: encoder.encode('binary/plain') },
      data: encoder.encode('"proof"'),
    };
    expect(await codec.decode([plain, binary])).toEqual([plain, binary]);
  });
});

describe('the signing-key cache through a database outage', () => {
  const { file, publicKey } = generateKeyFile('service', '单元测试');
  const row = {
    key_id: file.keyId,
    public_key: publicKey,
    kind: 'service' as const,
    label: '单元测试',
    created_at: new Date(0),
    revoked_at: null,
  };
  const noPause = async () => undefined;
  const down = () => Promise.reject(new Error('the database system is not yet accepting connections'));

  it('keeps serving a key it read before while the database cannot be read', async () => {
    let lookup: (id: string) => Promise<typeof row | undefined> = async () => row;
    const cache = new SigningKeyCache((id) => lookup(id), noPause);
    expect(await cache.get(file.keyId, 0)).not.toBeNull();
    lookup = down;
    expect(await cache.get(file.keyId, 60_000)).not.toBeNull();
    // Ten minutes on, the reading is too old to vouch for.
    await expect(cache.get(file.keyId, 11 * 60_000)).rejects.toBeInstanceOf(KeyUnavailable);
  });

  it('rides out a short outage by reading again', async () => {
    let failures = 2;
    const cache = new SigningKeyCache(async () => (failures-- > 0 ? down() : row), noPause);
    expect(await cache.get(file.keyId, 0)).not.toBeNull();
  });

  it('gives a negative verdict, not a failed payload, when it cannot read a key it never saw', async () => {
    const codec = new PrincipalCodec(new SigningKeyCache(down, noPause));
    const command = { type: 'acknowledge', actor: { userId: 'u1', role: 'unit_staff', unit: '基教处' } };
    const proof = new CommandSigner(file).sign('acknowledge', 'wf-1', command);
    const [decoded] = await codec.decode([json(JSON.stringify({ ...command, proof }))]);
    expect(read(decoded!).proof!.verdict).toEqual({ ok: false, reason: expect.stringMatching('请稍后重试') });
  });
});

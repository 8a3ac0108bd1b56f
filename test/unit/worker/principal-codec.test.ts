import type { Payload } from '@temporalio/common';
import { generateKeyFile, CommandSigner, publicKeyFromBase64, type VerifyingKey } from '../../../app/signing';
import { PrincipalCodec, type SigningKeyCache } from '../../../worker/principal-codec';

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

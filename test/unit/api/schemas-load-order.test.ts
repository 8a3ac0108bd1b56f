// The domain's schemas load first here, before the API extends zod: the order `npm run bench` had.
import { EvidenceRef } from '../../../domain/events';
import { EvidenceRefBody, StartCycle } from '../../../api/schemas';

describe('API schemas whatever module loads first', () => {
  it('loads, and validates as the domain and app schemas do', () => {
    const ref = { ref: 'evidence:a', sha256: 'a'.repeat(64) };
    expect(EvidenceRefBody.parse(ref)).toEqual(EvidenceRef.parse(ref));
    expect(StartCycle.safeParse({ name: '' }).success).toBe(false);
  });
});

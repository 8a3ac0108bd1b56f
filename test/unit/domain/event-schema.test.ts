import { z } from 'zod';
import { derivedEvents } from '../../../audit/derive';
import { DomainEvent, EventBody, EventEnvelope } from '../../../domain/events';
import { syntheticCycle } from '../../../bench/synthetic';
import { historyFiles, recorded } from '../../replay/support';

/** The schema DomainEvent was before it was parsed as one object per type: envelope ∩ body. */
const asIntersection = z.intersection(EventEnvelope, EventBody);

const outcome = (schema: z.ZodType, input: unknown): unknown => {
  const parsed = schema.safeParse(input);
  return parsed.success ? { ok: parsed.data } : { refused: true };
};

describe('DomainEvent parses as the envelope ∩ body it replaced', () => {
  let events: unknown[];
  beforeAll(async () => {
    const fromHistories = await Promise.all(
      historyFiles().map(async (file) => {
        const { recorded: done, pending } = derivedEvents((await recorded(file)).history);
        return [...done, ...pending];
      }),
    );
    events = [...fromHistories.flat(), ...syntheticCycle(0, 20), ...syntheticCycle(3, 20)];
  });

  it('covers most event types, from the recorded workflows and the synthetic log', () => {
    const types = new Set(events.map((e) => (e as { type: string }).type));
    expect(types.size).toBeGreaterThanOrEqual(25);
    expect(events.length).toBeGreaterThan(1000);
  });

  it('gives the same value for every recorded and synthetic event', () => {
    for (const event of events) expect(outcome(DomainEvent, event)).toEqual(outcome(asIntersection, event));
    expect(events.every((e) => DomainEvent.safeParse(e).success)).toBe(true);
  });

  it('drops the same unknown keys and fills the same default', () => {
    const [first] = events as Record<string, unknown>[];
    const { schemaVersion: _omitted, ...withoutVersion } = first!;
    const padded = { ...withoutVersion, extra: 1, data: { ...(first!.data as object), extra: 2 } };
    const parsed = DomainEvent.parse(padded) as unknown as Record<string, unknown>;
    expect(parsed).toEqual(asIntersection.parse(padded));
    expect(parsed.schemaVersion).toBe(1);
    expect(parsed).not.toHaveProperty('extra');
  });

  it('refuses what the intersection refused', () => {
    const sample = (events as Record<string, unknown>[]).filter((_, i) => i % 37 === 0);
    const broken = sample.flatMap((e) => [
      { ...e, type: 'NoSuchEvent' },
      { ...e, seq: 0 },
      { ...e, at: 'yesterday' },
      { ...e, cycleId: undefined },
      { ...e, data: {} },
      { ...e, actor: { userId: 'x' } },
    ]);
    for (const input of broken) {
      expect(outcome(DomainEvent, input)).toEqual({ refused: true });
      expect(outcome(asIntersection, input)).toEqual({ refused: true });
    }
  });
});

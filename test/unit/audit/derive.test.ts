import type { History } from '@temporalio/common/lib/proto-utils';
import { compareStream } from '../../../audit/compare';
import { derivedEvents } from '../../../audit/derive';
import { chainHash, GENESIS_HASH, type RecordedEvent } from '../../../db/event-store';
import type { DomainEvent } from '../../../domain/events';
import { recorded } from '../../replay/support';

const LOCAL = 'v9-local-append/cycle-local-rework-approve.mp-01.json';
const REGULAR = 'v8-start-with-due-work/project-start-rework-approve.json';

/** The events as the log would hold them, hash-chained. */
function logOf(events: DomainEvent[]): RecordedEvent[] {
  let prevHash = GENESIS_HASH;
  return events.map((event, i) => {
    const hash = chainHash(prevHash, event);
    const row = { ...event, position: String(i + 1), hash, prevHash };
    prevHash = hash;
    return row;
  });
}

type HistoryEvent = NonNullable<History['events']>[number];

/** The index of the last event before `end` that `is` accepts (-1: none). */
function lastIndex(events: HistoryEvent[], is: (e: HistoryEvent) => boolean, end = events.length): number {
  for (let i = end - 1; i >= 0; i--) if (is(events[i]!)) return i;
  return -1;
}

/** The history as it was read while the workflow task running `marker`'s append was still open. */
function cutBefore(history: History, markerIndex: number): History {
  const events = history.events!;
  const started = lastIndex(events, (e) => Boolean(e.workflowTaskStartedEventAttributes), markerIndex);
  return { events: events.slice(0, started + 1) };
}

describe('the events a history says were recorded', () => {
  it('reads local appends from their markers, as it reads regular appends from their inputs', async () => {
    for (const file of [LOCAL, REGULAR]) {
      const derived = derivedEvents((await recorded(file)).history);
      expect(derived.pending).toEqual([]);
      expect(derived.taskOpen).toBe(false);
      expect(derived.recorded.map((e) => e.seq)).toEqual(derived.recorded.map((_, i) => i + 1));
      expect(derived.recorded[0]).toMatchObject({ type: 'ProjectStarted' });
      expect(derived.recorded.at(-1)).toMatchObject({ type: 'ProjectClosed' });
    }
  });

  it('accepts the log ahead of the history only while a workflow task is open', async () => {
    const { history } = await recorded(LOCAL);
    const full = derivedEvents(history).recorded;
    const lastMarker = lastIndex(
      history.events!,
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    const open = derivedEvents(cutBefore(history, lastMarker));
    expect(open.taskOpen).toBe(true);
    const ahead = full.length - open.recorded.length;
    expect(ahead).toBeGreaterThan(0);

    // The task appended, then the history was read: its events are in flight, not extra.
    const inFlight = compareStream('s', open.recorded, open.pending, logOf(full), open.taskOpen);
    expect(inFlight).toMatchObject({ agrees: true, pending: ahead });
    // The same log against a history whose tasks all completed: the events are extra.
    const closed = compareStream('s', open.recorded, open.pending, logOf(full), false);
    expect(closed.agrees).toBe(false);
    expect(closed.findings.filter((f) => f.kind === 'extra')).toHaveLength(ahead);
    // What the history holds must still match, task open or not.
    const forged = logOf([
      ...open.recorded.slice(0, -1),
      { ...open.recorded.at(-1)!, causationId: 'forged' },
      ...full.slice(open.recorded.length),
    ]);
    expect(compareStream('s', open.recorded, open.pending, forged, true).findings).toContainEqual(
      expect.objectContaining({ kind: 'altered', fields: ['causationId'] }),
    );
  });
});

import { Client, type WorkflowHandle } from '@temporalio/client';
import { addUser, Session, startApiStack, type ApiStack } from '../support/api';
import { inspector, unit } from '../support/scenario';
import { waitFor } from '../support/wait';
import { addInstruction, findInstruction } from '../../app/instructions';
import { liveSource } from '../../audit/source';
import { verify, verifyModels } from '../../audit/verify';
import { sendProjectCommand } from '../../app/commands';
import { readStream } from '../../db/event-store';
import type { ClockAnchor } from '../../domain/clock';
import { shanghaiDate } from '../../domain/calendar';
import { INSTRUCTIONS_CYCLE, instructionMilestoneId, instructionWorkflowId } from '../../domain/instruction';
import { instructionsReport } from '../../reports/instructions';
import { renderCsv } from '../../reports/render-csv';

const jj = unit('基教处');
/** Plan time fixed to 2026-03-02 10:00 in Beijing however the test is run, at `scale` plan ms per real ms. */
const clockFrom = (scale: number): ClockAnchor => ({
  realOrigin: new Date().toISOString(),
  planOrigin: '2026-03-02T02:00:00.000Z',
  scale,
});
const instruction = (id: string, over: Record<string, unknown> = {}) => ({
  instructionId: id,
  leader: '王局长',
  issuedOn: '2026-03-01',
  text: '请基教处牵头，两周内拿出学前教育补短板方案',
  unit: '基教处',
  deadline: '2026-03-16',
  ...over,
});

/**
 * 领导批示 end to end against the real dev server and PostgreSQL: an instruction runs as a
 * supervised item of the project workflow (reply, review, 催办, the 督办 ladder), its read model
 * and report follow the log, and the API records and shows it. Every run left behind is replayed
 * at teardown (test/support/global-teardown.ts).
 */
describe('leader instructions', () => {
  let s: ApiStack;
  let itemId: string;
  const deps = () => ({ db: s.t.db, client: s.stack.client, taskQueue: s.stack.taskQueue });
  const types = async (id: string) =>
    (await readStream(s.t.db, instructionWorkflowId(id))).map((e) => e.type);
  const handle = (id: string): WorkflowHandle => s.stack.client.workflow.getHandle(instructionWorkflowId(id));
  const statusOf = async (id: string) => (await findInstruction(s.t.db, id))?.status;

  beforeAll(async () => {
    s = await startApiStack();
    itemId = (await s.t.db.selectFrom('plan_items').select('item_id').executeTakeFirstOrThrow()).item_id;
    await addUser(s.t.db, 'insp', 'inspector', '督导处');
    await addUser(s.t.db, 'jj', 'unit_staff', '基教处');
  });
  afterAll(async () => s?.stop());

  it('is recorded, answered by the unit, approved by 督导处 and counted 办结', async () => {
    const added = await addInstruction(
      deps(),
      inspector,
      instruction('PS-IT-1', { linkedItemId: itemId, coUnits: ['计财处'] }),
      { clock: clockFrom(1) },
    );
    expect(added.milestoneId).toBe(instructionMilestoneId('PS-IT-1'));
    await waitFor(async () => (await types('PS-IT-1')).includes('AssignmentCreated'));
    const opening = await readStream(s.t.db, instructionWorkflowId('PS-IT-1'));
    expect(opening.slice(0, 2).map((e) => [e.type, e.actor.userId])).toEqual([
      ['InstructionRecorded', inspector.userId],
      ['ProjectStarted', 'dudao'],
    ]);
    expect(await findInstruction(s.t.db, 'PS-IT-1')).toMatchObject({
      status: 'received',
      leader: '王局长',
      unit: '基教处',
      co_units: ['计财处'],
      linked_item_id: itemId,
      due_at: '2026-03-16T15:59:59.000Z',
    });

    const m = added.milestoneId;
    await sendProjectCommand(handle('PS-IT-1'), {
      type: 'acknowledge',
      actor: jj,
      assignmentId: `${m}/lead`,
    });
    expect(await statusOf('PS-IT-1')).toBe('in_progress');
    // The lead's reply waits for nobody: the co-unit's contribution is optional for the reply.
    await sendProjectCommand(handle('PS-IT-1'), {
      type: 'submitReport',
      actor: jj,
      milestoneId: m,
      narrative: '方案已拟定，报局长审阅',
      values: [],
      evidence: [],
    });
    expect(await statusOf('PS-IT-1')).toBe('submitted');
    // A unit cannot approve its own reply; nothing is recorded for the refusal.
    const before = (await types('PS-IT-1')).length;
    await expect(
      sendProjectCommand(handle('PS-IT-1'), { type: 'approve', actor: jj, milestoneId: m, comment: '' }),
    ).rejects.toThrow();
    expect((await types('PS-IT-1')).length).toBe(before);
    await sendProjectCommand(handle('PS-IT-1'), {
      type: 'approve',
      actor: inspector,
      milestoneId: m,
      comment: '同意',
    });
    await handle('PS-IT-1').result();
    expect((await types('PS-IT-1')).slice(-3)).toEqual([
      'ReportApproved',
      'MilestoneClosed',
      'ProjectClosed',
    ]);
    expect(await findInstruction(s.t.db, 'PS-IT-1')).toMatchObject({
      status: 'done',
      outcome: 'met',
      rounds: 1,
    });

    const report = await instructionsReport(s.t.db, { schema: 'public', at: '2026-03-20T00:00:00.000Z' });
    const byUnit = report.tables[2]!.rows.find((r) => r.group === '基教处');
    expect(byUnit).toMatchObject({ received: 1, done: 1, inProgress: 0, overdue: 0, rate: '100.0%' });
    expect(renderCsv(report)).toContain('已办结');
  });

  it('reminds, climbs the 督办 ladder past the deadline and closes unanswered as missed and overdue', async () => {
    // One plan day per 250 real ms: the deadline (14½ plan days ahead) comes in under 4 s, the
    // close (30 days after it) about 8 s later.
    await addInstruction(deps(), inspector, instruction('PS-IT-2', { leader: '李副局长' }), {
      clock: clockFrom(86_400_000 / 250),
    });
    await waitFor(async () => (await types('PS-IT-2')).includes('ProjectClosed'), 40_000);
    const stream = await readStream(s.t.db, instructionWorkflowId('PS-IT-2'));
    expect(stream.filter((e) => e.type === 'ReminderSent' && e.data.unit === '基教处')).toHaveLength(2);
    expect(
      stream.flatMap((e) =>
        e.type === 'EscalationRaised' && e.data.unit === '基教处' ? [e.data.level] : [],
      ),
    ).toEqual([1, 2, 3]);
    expect(await findInstruction(s.t.db, 'PS-IT-2')).toMatchObject({
      status: 'missed',
      outcome: 'missed',
      escalation_level: 3,
    });
    const report = await instructionsReport(s.t.db, { schema: 'public', at: '2026-05-01T00:00:00.000Z' });
    expect(report.tables[1]!.rows.find((r) => r.group === '李副局长')).toMatchObject({
      received: 1,
      done: 0,
      overdue: 1,
    });
    expect(report.tables[0]!.rows[0]).toMatchObject({ received: 2, done: 1, overdue: 1, rate: '50.0%' });
  }, 60_000);

  it('is recorded, listed and shown through the API; bad input is refused in Chinese and records nothing', async () => {
    const insp = await Session.signIn(s.url, 'insp');
    const staff = await Session.signIn(s.url, 'jj');
    // Dates relative to the day the test runs: the API records on real time.
    const day = (offset: number) => shanghaiDate(new Date(Date.now() + offset * 86_400_000).toISOString());
    const body = instruction('PS-API-1', { issuedOn: day(-1), deadline: day(14), linkedItemId: itemId });
    const count = async () =>
      Number(
        (
          await s.t.db
            .selectFrom('events')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const events = await count();

    const forbidden = await staff.post('/api/instructions', body);
    expect(forbidden.status).toBe(403);
    const badDate = await insp.post('/api/instructions', { ...body, deadline: '下周五' });
    expect(badDate.status).toBe(400);
    expect(((await badDate.json()) as { message: string }).message).toContain('办理期限格式不正确');
    const noItem = await insp.post('/api/instructions', { ...body, linkedItemId: '9.9.9' });
    expect(((await noItem.json()) as { message: string }).message).toBe('规划中没有编号为 9.9.9 的事项');
    const past = await insp.post('/api/instructions', { ...body, deadline: day(-1) });
    expect(((await past.json()) as { message: string }).message).toContain('已过');
    expect(await count()).toBe(events);

    const ok = await insp.post('/api/instructions', body);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ instructionId: 'PS-API-1', milestoneId: 'PS-API-1/reply' });
    const again = await insp.post('/api/instructions', body);
    expect(((await again.json()) as { message: string }).message).toMatch(
      /批示编号 PS-API-1 已(存在|被使用)/,
    );
    await waitFor(async () => (await findInstruction(s.t.db, 'PS-API-1')) !== null);
    const list = await insp.json<{ instructionId: string; statusLabel: string }[]>(
      '/api/instructions?unit=基教处',
    );
    expect(list.map((i) => i.instructionId).sort()).toEqual(['PS-API-1', 'PS-IT-1', 'PS-IT-2']);
    expect(await insp.json('/api/instructions/PS-API-1')).toMatchObject({
      leader: '王局长',
      statusLabel: '已交办',
      linkedItemId: itemId,
      overdue: false,
    });
    expect((await insp.get('/api/instructions/NOPE')).status).toBe(404);

    // The unit finds it in its inbox and replies; 督导处 finds the reply to review and approves. The
    // assignment is recorded by the item's workflow after the instruction itself: wait for it.
    const inInbox = async () =>
      (await staff.json<{ cycleId: string; milestoneId: string }[]>('/api/inbox')).some(
        (i) => i.cycleId === 'instructions' && i.milestoneId === 'PS-API-1/reply',
      );
    await waitFor(inInbox);
    expect(await inInbox()).toBe(true);
    const reply = await staff.post('/api/actions/submit', {
      cycleId: 'instructions',
      ref: 'PS-API-1/reply',
      narrative: '方案已报局长',
    });
    expect(reply.status).toBe(200);
    const queue = await insp.json<{ reports: { milestoneId: string }[] }>('/api/review-queue');
    expect(JSON.stringify(queue)).toContain('PS-API-1/reply');
    const approved = await insp.post('/api/actions/approve', {
      cycleId: 'instructions',
      milestoneId: 'PS-API-1/reply',
      comment: '同意',
    });
    expect(approved.status).toBe(200);
    await waitFor(async () => (await findInstruction(s.t.db, 'PS-API-1'))?.status === 'done');
    expect(await insp.json('/api/instructions/PS-API-1')).toMatchObject({ statusLabel: '已办结' });
    const csv = await insp.get('/api/reports/instructions?format=csv');
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain('批示明细');
    expect(text).toMatch(
      /PS-API-1,王局长,[0-9-]+,请基教处牵头，两周内拿出学前教育补短板方案,基教处,[0-9-]+,已办结,否/,
    );
  });

  it('audits like any item: histories and log agree, and the read models rebuild to the live rows', async () => {
    // The dev server is shared with other test files that record instructions of their own: audit
    // each workflow whose stream this test's database holds.
    const streams = await s.t.db
      .selectFrom('events')
      .select('stream_id')
      .distinct()
      .where('cycle_id', '=', INSTRUCTIONS_CYCLE)
      .execute();
    expect(streams).toHaveLength(3);
    for (const { stream_id } of streams) {
      const verdict = await verify(liveSource(s.stack.client, s.t.db, { workflowId: stream_id }), null);
      expect(verdict.streams.flatMap((x) => x.findings)).toEqual([]);
      expect(verdict).toMatchObject({ agrees: true, counts: { workflows: 1 } });
    }
    expect((await verifyModels(s.t.db)).filter((m) => !m.equal)).toEqual([]);
  });

  // After the audit above, which counts the instruction cycle's workflows.
  it('refuses an instruction started without a signature before recording anything', async () => {
    const unsigned = new Client({ connection: s.stack.client.connection });
    await addInstruction({ ...deps(), client: unsigned }, inspector, instruction('PS-IT-UNSIGNED'), {
      clock: clockFrom(1),
    });
    await expect(handle('PS-IT-UNSIGNED').result()).rejects.toMatchObject({
      cause: { message: expect.stringContaining('登记领导批示的身份未经核验：命令未签名') },
    });
    expect(await types('PS-IT-UNSIGNED')).toEqual([]);
  });
});

import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../http/deps';
import { requireAction } from '../../app/authorize';
import { jsonBody, jsonOk, newRouter, security } from '../openapi';
import { notFound } from '../../app/errors';
import { addInstruction, findInstruction, instructionsAt, listInstructions } from '../../app/instructions';
import type { InstructionRow } from '../../db/projections/instructions';
import {
  InstructionInput,
  instructionMilestoneId,
  instructionStatusLabel,
  isOverdue,
} from '../../domain/instruction';

/** 领导批示 for 督导处 (record, list, one) and auditors (read): the inspector workspace's API. */

const Instruction = z
  .looseObject({
    instructionId: z.string(),
    leader: z.string(),
    issuedOn: z.string(),
    text: z.string(),
    unit: z.string(),
    status: z.string(),
    statusLabel: z.string(),
    dueAt: z.string(),
    overdue: z.boolean(),
  })
  .openapi('Instruction');
const Added = z
  .object({
    instructionId: z.string(),
    workflowId: z.string(),
    deadline: z.string(),
    milestoneId: z.string(),
  })
  .openapi('AddedInstruction');
const ListQuery = z.object({
  unit: z.string().max(100).optional(),
  leader: z.string().max(100).optional(),
});
const IdParam = z.object({ instructionId: z.string().min(1).max(100) });

const add = createRoute({
  method: 'post',
  path: '/api/instructions',
  summary: '登记领导批示并交办（督导处）',
  security,
  request: jsonBody(InstructionInput),
  responses: jsonOk(Added, '已登记'),
});
const list = createRoute({
  method: 'get',
  path: '/api/instructions',
  summary: '领导批示及办理状态',
  security,
  request: { query: ListQuery },
  responses: jsonOk(z.array(Instruction), '批示'),
});
const show = createRoute({
  method: 'get',
  path: '/api/instructions/{instructionId}',
  summary: '一件领导批示',
  security,
  request: { params: IdParam },
  responses: jsonOk(Instruction, '批示'),
});

/** The row as the API answers it: camelCase, with its status label and whether it is overdue. */
const view = (r: InstructionRow, at: string) => ({
  instructionId: r.project_id,
  leader: r.leader,
  issuedOn: r.issued_on,
  text: r.text,
  unit: r.unit,
  coUnits: r.co_units,
  evidence: r.evidence,
  linkedItemId: r.linked_item_id,
  linkedCycleId: r.linked_cycle_id,
  status: r.status,
  statusLabel: instructionStatusLabel[r.status],
  originalDueAt: r.original_due_at,
  dueAt: r.due_at,
  overdue: isOverdue(r, at),
  acknowledgedAt: r.acknowledged_at,
  reportedAt: r.reported_at,
  reportedLate: r.reported_late,
  rounds: r.rounds,
  returns: r.returns,
  escalationLevel: r.escalation_level,
  closedAt: r.closed_at,
  milestoneId: instructionMilestoneId(r.project_id),
});

export function instructionRoutes(deps: ApiDeps) {
  const asOf = () => instructionsAt(deps.db);
  return newRouter()
    .openapi(add, async (c) => {
      requireAction(c.get('principal'), 'addInstruction');
      return c.json(await addInstruction(deps, c.get('principal'), c.req.valid('json')), 200);
    })
    .openapi(list, async (c) => {
      requireAction(c.get('principal'), 'readInstructions');
      const [rows, at] = await Promise.all([listInstructions(deps.db, c.req.valid('query')), asOf()]);
      return c.json(
        rows.map((r) => view(r, at)),
        200,
      );
    })
    .openapi(show, async (c) => {
      requireAction(c.get('principal'), 'readInstructions');
      const { instructionId } = c.req.valid('param');
      const row = await findInstruction(deps.db, instructionId);
      if (!row) throw notFound(`找不到领导批示 ${instructionId}`);
      return c.json(view(row, await asOf()), 200);
    });
}

import type { Command } from 'commander';
import {
  addInstruction,
  findInstruction,
  instructionsAsOf,
  linkedItemTitle,
  listInstructions,
} from '../../app/instructions';
import type { InstructionRow } from '../../db/projections/instructions';
import { instructionStatusLabel, isOverdue, INSTRUCTIONS_CYCLE } from '../../domain/instruction';
import { actorFrom, withActorOption } from '../actor';
import { taskQueue, withDatabase, withTemporal } from '../context';
import { evidenceFrom, uploadLocalFiles } from '../evidence';
import { shanghaiDay } from '../../domain/shanghai';
import { run } from '../run';
import { renderTable } from '../../reports/table';

const collect = (v: string, acc: string[]) => [...acc, v];

type AddOptions = {
  as?: string;
  id?: string;
  leader: string;
  date: string;
  text: string;
  unit: string;
  coUnit: string[];
  deadline: string;
  evidence: string[];
  item?: string;
  cycle?: string;
};

export function registerInstructionCommands(program: Command): void {
  const instruction = program
    .command('instruction')
    .description('领导批示：登记、查看（批示作为督办事项交办、催办、督办、审核）');

  withActorOption(
    instruction
      .command('add')
      .description('登记领导批示并交办责任单位（督导处）')
      .requiredOption('--leader <姓名>', '批示领导，例如 王局长')
      .requiredOption('--date <日期>', '批示日期 YYYY-MM-DD')
      .requiredOption('--text <批示内容>', '批示原文，例如 请基教处牵头，两周内拿出方案')
      .requiredOption('--unit <单位>', '责任单位（牵头）')
      .option('--co-unit <单位>', '配合单位，可多次', collect, [])
      .requiredOption('--deadline <日期>', '办理期限 YYYY-MM-DD')
      .option(
        '--evidence <文件|哈希>',
        '批示原件扫描件，可多次：本地文件（先上传）或已上传材料的哈希',
        collect,
        [],
      )
      .option('--item <事项编号>', '批示涉及的规划事项')
      .option('--cycle <周期编号>', '按该督导周期的日历和督办规则办理（默认按实际时间、默认规则）')
      .option('--id <批示编号>', '批示编号（默认按批示日期生成）'),
    '督导处:inspector',
  ).action((opts: AddOptions) =>
    run(async () => {
      const actor = actorFrom(opts, '督导处:inspector');
      const evidence = opts.evidence.map(evidenceFrom);
      await withDatabase(async ({ db }) => {
        // Local scans are stored as 督导处's uploads before the instruction is recorded.
        await uploadLocalFiles(db, opts.evidence, actor.unit ?? '督导处', actor.userId);
        const added = await withTemporal((client) =>
          addInstruction({ db, client, taskQueue: taskQueue() }, actor, {
            instructionId: opts.id,
            leader: opts.leader,
            issuedOn: opts.date,
            text: opts.text,
            unit: opts.unit,
            coUnits: opts.coUnit,
            deadline: opts.deadline,
            evidence,
            linkedItemId: opts.item ?? null,
            cycleId: opts.cycle ?? null,
          }),
        );
        console.log(
          [
            `已登记领导批示 ${added.instructionId}，交办${opts.unit}，办理期限 ${shanghaiDay(added.deadline)}。`,
            `责任单位报送：dudao task submit ${added.milestoneId} --narrative <办理情况> --as ${opts.unit}:unit_staff`,
            `督导处审核：dudao review approve ${added.milestoneId}`,
          ].join('\n'),
        );
      }, 'web');
    }),
  );

  instruction
    .command('list')
    .description('领导批示及办理状态')
    .option('--unit <单位>', '只看某责任单位')
    .option('--leader <姓名>', '只看某位领导的批示')
    .action((opts: { unit?: string; leader?: string }) =>
      run(() =>
        withDatabase(async ({ db }) => {
          const rows = await listInstructions(db, opts);
          const at = (await instructionsAsOf(db)) ?? new Date().toISOString();
          console.log(
            rows.length
              ? renderTable(
                  ['批示编号', '批示领导', '批示日期', '批示内容', '责任单位', '办理期限', '状态', '逾期'],
                  rows.map((r) => [
                    r.project_id,
                    r.leader,
                    r.issued_on,
                    r.text.length > 20 ? `${r.text.slice(0, 20)}…` : r.text,
                    r.unit,
                    shanghaiDay(r.due_at),
                    instructionStatusLabel[r.status],
                    isOverdue(r, at) ? '是' : '否',
                  ]),
                )
              : '暂无领导批示。',
          );
        }, 'reader'),
      ),
    );

  instruction
    .command('show <批示编号>')
    .description('一件领导批示：原文、责任单位、期限、办理经过')
    .action((id: string) =>
      run(() =>
        withDatabase(async ({ db }) => {
          const row = await findInstruction(db, id);
          if (!row) throw new Error(`找不到领导批示 ${id}。请用 dudao instruction list 查看编号。`);
          const at = (await instructionsAsOf(db)) ?? new Date().toISOString();
          const itemTitle = row.linked_item_id ? await linkedItemTitle(db, row.linked_item_id) : null;
          console.log(describe(row, at, itemTitle));
        }, 'reader'),
      ),
    );
}

function describe(r: InstructionRow, at: string, itemTitle: string | null): string {
  const lines = [
    `领导批示 ${r.project_id}`,
    `批示领导：${r.leader}，批示日期：${r.issued_on}`,
    `批示内容：${r.text}`,
    `责任单位：${r.unit}${r.co_units.length ? `，配合单位：${r.co_units.join('、')}` : ''}`,
    `办理期限：${shanghaiDay(r.due_at)}${r.due_at === r.original_due_at ? '' : `（原定 ${shanghaiDay(r.original_due_at)}）`}`,
    `办理状态：${instructionStatusLabel[r.status]}${isOverdue(r, at) ? '（已逾期）' : ''}`,
  ];
  if (r.linked_item_id) lines.push(`涉及规划事项：${r.linked_item_id}${itemTitle ? ` ${itemTitle}` : ''}`);
  if (r.linked_cycle_id) lines.push(`按督导周期 ${r.linked_cycle_id} 的日历和规则办理`);
  if (r.evidence.length)
    lines.push(
      `批示原件：${r.evidence.map((e) => `${e.name ?? e.ref}（${e.sha256.slice(0, 12)}…）`).join('、')}`,
    );
  if (r.acknowledged_at) lines.push(`签收：${shanghaiDay(r.acknowledged_at)}`);
  if (r.reported_at)
    lines.push(
      `报送：${shanghaiDay(r.reported_at)}（第 ${r.rounds} 轮${r.reported_late ? '，逾期报送' : ''}）`,
    );
  if (r.returns) lines.push(`退回重办：${r.returns} 次`);
  if (r.escalation_level) lines.push(`督办：已升级至 ${r.escalation_level} 级`);
  if (r.closed_at) lines.push(`${r.status === 'done' ? '办结' : '关闭'}：${shanghaiDay(r.closed_at)}`);
  lines.push(`办理经过：dudao audit timeline ${r.project_id} --cycle ${INSTRUCTIONS_CYCLE}`);
  return lines.join('\n');
}

import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import {
  carryOver,
  closeOut,
  issueRectifications,
  listRectifications,
  rectificationNotice,
} from '../../app/rectifications';
import { rectificationStatusLabel } from '../../domain/rectification';
import { renderRectificationNoticeDocx } from '../../reports/documents/render-rectification-notice-docx';
import { renderTable } from '../../reports/table';
import { actorFrom, withActorOption } from '../actor';
import { integerIn } from '../chinese';
import { taskQueue, withDatabase, withTemporal } from '../context';
import { shanghaiDay } from '../../domain/shanghai';
import { run } from '../run';

type CloseOutOptions = {
  as?: string;
  lateDays?: number;
  issue?: boolean;
  deadline?: string;
  docNumber?: string;
  issuer?: string;
  docx?: string | true;
};

/**
 * `dudao cycle close-out` (the shortfalls of a closed cycle; with --issue the 整改通知, with --docx
 * the notice as a Word document) and `dudao cycle carry-over` (the unrectified into another cycle).
 */
export function registerRectificationCommands(cycle: Command): void {
  withActorOption(
    cycle
      .command('close-out <周期编号>')
      .description('周期结束清单：列出未达标事项及原因；--issue 向责任单位下发整改通知（督导处）')
      .option('--late-days <天>', '逾期报送超过多少天列入整改（默认15天）', integerIn(1, 365))
      .option('--issue', '下发整改通知：每个未达标节点成为一项整改督办事项')
      .option('--deadline <日期>', '整改期限 YYYY-MM-DD（按该周期的计划时间）')
      .option('--doc-number <文号>', '整改通知的文号，如 衢教督〔2018〕2号')
      .option('--issuer <发文机关>', '发文机关（默认 督导处）')
      .option(
        '--docx [file]',
        '导出整改通知（Word 文档：文号、主送单位、正文、整改事项及原因、整改要求、整改期限）',
      ),
    '督导处:inspector',
  ).action((id: string, opts: CloseOutOptions) =>
    run(async () => {
      if (opts.issue && !opts.deadline)
        throw new Error('下发整改通知需要整改期限：请加 --deadline YYYY-MM-DD');
      await withDatabase(async ({ db }) => {
        if (opts.issue) {
          const actor = actorFrom(opts, '督导处:inspector');
          const result = await withTemporal((client) =>
            issueRectifications({ db, client, taskQueue: taskQueue() }, actor, id, {
              deadline: opts.deadline!,
              documentNumber: opts.docNumber ?? null,
              lateDays: opts.lateDays,
            }),
          );
          console.log(
            `已下发整改通知 ${result.issued.length} 项${
              result.existing.length > 0 ? `（另有 ${result.existing.length} 项此前已下发）` : ''
            }，整改期限 ${opts.deadline}。`,
          );
          if (result.issued.length > 0)
            console.log(
              '责任单位报送整改报告：dudao task submit <整改编号>/report --narrative <整改情况> --as <单位>:unit_staff',
            );
        }
        const out = await closeOut(db, id, { lateDays: opts.lateDays });
        if (out.shortfalls.length === 0) console.log(`督导周期 ${id}（${out.cycleName}）没有未达标事项。`);
        else {
          console.log(`督导周期 ${id}（${out.cycleName}）未达标事项 ${out.shortfalls.length} 项：`);
          console.log(
            renderTable(
              ['整改编号', '事项', '节点', '责任单位', '未达标原因', '整改状态'],
              out.shortfalls.map((s) => [
                s.rectificationId,
                `${s.itemId} ${s.title}`,
                s.milestoneId,
                s.unit,
                s.reasons.join('；'),
                s.rectification
                  ? `${rectificationStatusLabel[s.rectification.status]}（期限 ${shanghaiDay(s.rectification.due_at)}）`
                  : '未下发',
              ]),
            ),
          );
        }
        if (opts.docx) {
          const notice = await rectificationNotice(db, id, {
            deadline: opts.deadline,
            documentNumber: opts.docNumber,
            issuer: opts.issuer,
            lateDays: opts.lateDays,
          });
          const file = opts.docx === true ? '整改通知.docx' : opts.docx;
          await fs.writeFile(file, await renderRectificationNoticeDocx(notice));
          console.error(`已导出：${file}`);
        }
      }, 'web');
    }),
  );

  withActorOption(
    cycle
      .command('carry-over <来源周期> <目标周期>')
      .description('把来源周期未销号的整改结转到目标周期继续整改（督导处）')
      .option('--deadline <日期>', '结转后的整改期限 YYYY-MM-DD（默认目标周期的报送截止日）'),
    '督导处:inspector',
  ).action((from: string, to: string, opts: { as?: string; deadline?: string }) =>
    run(async () => {
      const actor = actorFrom(opts, '督导处:inspector');
      await withDatabase(async ({ db }) => {
        const { carried } = await withTemporal((client) =>
          carryOver({ db, client, taskQueue: taskQueue() }, actor, from, to, { deadline: opts.deadline }),
        );
        printCarried(carried, from, to);
      }, 'web');
    }),
  );

  cycle
    .command('rectifications')
    .description('整改事项及状态（各轮次）')
    .option('--cycle <周期编号>', '只看某周期结束时下发的整改')
    .option('--unit <单位>', '只看某责任单位')
    .option('--item <事项编号>', '只看某规划事项')
    .action((opts: { cycle?: string; unit?: string; item?: string }) =>
      run(() =>
        withDatabase(async ({ db }) => {
          const rows = await listRectifications(db, {
            originCycleId: opts.cycle,
            unit: opts.unit,
            itemId: opts.item,
          });
          if (rows.length === 0) return console.log('没有符合条件的整改事项。');
          console.log(
            renderTable(
              ['整改编号', '来源周期', '事项', '轮次', '所在周期', '责任单位', '整改期限', '状态'],
              rows.map((r) => [
                r.project_id,
                r.origin_cycle_id,
                `${r.item_id} ${r.title}`,
                r.round,
                r.context_cycle_id,
                r.unit,
                shanghaiDay(r.due_at),
                rectificationStatusLabel[r.status],
              ]),
            ),
          );
        }, 'reader'),
      ),
    );
}

export function printCarried(carried: { from: string; to: string }[], from: string, to: string): void {
  console.log(
    carried.length === 0
      ? `督导周期 ${from} 没有需要结转的整改事项。`
      : `已将 ${carried.length} 项未销号整改从 ${from} 结转到 ${to}：${carried.map((c) => `${c.from} → ${c.to}`).join('，')}`,
  );
}

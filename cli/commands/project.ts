import type { Command } from 'commander';
import { shanghaiDate } from '../../domain/calendar';
import { actorFrom, withActorOption } from '../actor';
import { withDatabase, withTemporal } from '../context';
import { commandAction, resolveProject, sendCommand } from '../projects';
import { shanghaiDay } from '../../domain/shanghai';
import { queryProject } from '../../app/projects';
import { renderTable, ragDot } from '../../reports/table';
import { run } from '../run';
import { ragLabel } from '../../domain/rag';

type Reasoned = { as?: string; cycle?: string; reason: string };
const inspectorFrom = (opts: { as?: string }) => actorFrom(opts, '督导处:inspector');

export function registerProjectCommands(program: Command): void {
  const project = program
    .command('project')
    .description('项目：查看状态与节点；转办、暂停、恢复、撤销（督导处）');

  project
    .command('show <项目编号>')
    .description('项目状态、节点与交办情况')
    .option('--cycle <周期编号>')
    .action((id: string, opts) =>
      run(() =>
        withTemporal(async (client) => {
          const handle = await resolveProject(client, id, opts.cycle);
          const view = await queryProject(handle);
          const s = view.state;
          console.log(
            `${s.title}（${s.projectId}）  ${ragDot[view.rag.rag]}  ${ragLabel[view.rag.rag]}：${view.rag.reason}`,
          );
          console.log(
            `牵头单位：${s.leadUnit}  配合单位：${s.coUnits.join('、') || '无'}  状态：${s.status}  规划时间：${shanghaiDate(view.now)}`,
          );
          console.log(
            renderTable(
              ['节点编号', '内容', '原定期限', '当前期限', '阶段', '轮次', '退回', '灯', '依据'],
              s.milestones.map((m) => {
                const rag = view.milestones[m.milestoneId]!;
                return [
                  m.milestoneId,
                  m.text.slice(0, 24),
                  shanghaiDay(m.originalDueAt),
                  shanghaiDay(m.dueAt),
                  m.outcome ?? m.phase,
                  m.rounds,
                  m.returns,
                  ragDot[rag.rag]!,
                  `${rag.reason}（事件 ${rag.setBy ?? '—'}）`,
                ];
              }),
            ),
          );
          const assignments = s.milestones.flatMap((m) =>
            m.assignments.map((a) => [
              a.assignmentId,
              a.unit,
              a.role === 'lead' ? '牵头' : '配合',
              shanghaiDay(a.dueAt),
              a.acknowledged ? '是' : '否',
              a.submitted ? '是' : '否',
              a.escalationLevel ? `${a.escalationLevel}级` : '—',
            ]),
          );
          if (assignments.length)
            console.log(
              '\n' + renderTable(['交办编号', '单位', '角色', '期限', '签收', '报送', '督办'], assignments),
            );
        }),
      ),
    );

  withActorOption(
    project
      .command('reassign <交办编号>')
      .description('转办给其他单位')
      .requiredOption('--to <单位>')
      .requiredOption('--reason <原因>')
      .option('--cycle <周期编号>'),
    '督导处:inspector',
  ).action(
    commandAction<Reasoned & { to: string }>(
      (id, opts) => ({
        type: 'reassign',
        actor: inspectorFrom(opts),
        assignmentId: id,
        toUnit: opts.to,
        reason: opts.reason,
      }),
      (id, opts) => `已将 ${id} 转办给${opts.to}。`,
    ),
  );

  for (const [type, label] of [
    ['suspend', '暂停督办'],
    ['resume', '恢复督办'],
    ['cancel', '撤销项目'],
  ] as const) {
    withActorOption(
      project
        .command(`${type} <项目编号>`)
        .description(label)
        .requiredOption('--reason <原因>')
        .option('--cycle <周期编号>'),
      '督导处:inspector',
    ).action((id: string, opts: Reasoned) =>
      run(() =>
        withTemporal(async (client) => {
          const actor = inspectorFrom(opts);
          const view = await sendCommand(client, id, { type, actor, reason: opts.reason }, opts.cycle);
          // The shares dispatched below it (多级下发) follow the project.
          const { followDown } = await import('../../app/dispatch-rules.js');
          const at = { cycleId: view.state.cycleId, projectId: view.state.projectId };
          const followed = await withDatabase(
            ({ db }) => followDown({ db, client }, actor, at, type, opts.reason),
            'reader',
          );
          console.log(
            `已${label}：${id}。${followed > 0 ? `其下 ${followed} 项下发事项随之${label}。` : ''}`,
          );
        }),
      ),
    );
  }
}

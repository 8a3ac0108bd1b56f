import { Command, type Help } from 'commander';
import { speakChinese } from './chinese';

type Register = (program: Command) => void;

/**
 * Every top-level command, as the top-level help lists it, and the module that defines it. A
 * command's module (and what it pulls in: the Temporal client, the database, the worker, the
 * bundler, exceljs…) is loaded only when that command runs, so `dudao --help` and a read such as
 * `dudao task list` start in a fraction of a second. test/unit/cli-program.test.ts checks that this
 * list matches the commands the modules define.
 */
const COMMANDS: { module: string; register: string; commands: [term: string, description: string][] }[] = [
  {
    module: './commands/up',
    register: 'registerUpCommand',
    commands: [['up', '启动或连接 Temporal 与数据库，执行迁移，启动 worker（已有流程自动续办）']],
  },
  {
    module: './commands/cluster',
    register: 'registerClusterCommands',
    commands: [['cluster', '真实 Temporal 服务端（PostgreSQL 存储）']],
  },
  {
    module: './commands/worker',
    register: 'registerWorkerCommand',
    commands: [
      [
        'worker [options]',
        '只启动 worker（多个 worker 可共用一个集群；用 TEMPORAL_ADDRESS 与 DATABASE_URL 指定）',
      ],
      ['notifier', '只投递催办/督办通知（不连接 Temporal；可与 worker --no-notifier 分开部署，可多个并行）'],
    ],
  },
  {
    module: './commands/demo',
    register: 'registerDemoCommand',
    commands: [
      ['demo [options]', '演示：导入规划，以演练日历督导全部16个重大项目（2016—2020），模拟各单位办理'],
    ],
  },
  { module: './commands/db', register: 'registerDbCommands', commands: [['db', '数据库维护']] },
  {
    module: './commands/plan',
    register: 'registerPlanCommands',
    commands: [['plan', '规划（任务分工方案）：解析、导入、查看']],
  },
  {
    module: './commands/cycle',
    register: 'registerCycleCommands',
    commands: [['cycle', '督导周期：发起、查看、延长、撤销；周期结束清单与整改']],
  },
  {
    module: './commands/task',
    register: 'registerTaskCommands',
    commands: [['task', '承办单位：待办、签收、报送、申请延期、申请办结、下发']],
  },
  {
    module: './commands/review',
    register: 'registerReviewCommands',
    commands: [['review', '督导处：审核报告、审批延期、办结销号']],
  },
  {
    module: './commands/project',
    register: 'registerProjectCommands',
    commands: [['project', '项目：查看状态与节点；转办、暂停、恢复、撤销（督导处）']],
  },
  {
    module: './commands/instruction',
    register: 'registerInstructionCommands',
    commands: [['instruction', '领导批示：登记、查看（批示作为督办事项交办、催办、督办、审核）']],
  },
  {
    module: './commands/indicator',
    register: 'registerIndicatorCommands',
    commands: [['indicator', '主要指标：基期值录入与查看']],
  },
  {
    module: './commands/report',
    register: 'registerReportCommands',
    commands: [['report', '督导报表：终端表格，或导出 CSV / Excel / HTML']],
  },
  {
    module: './commands/projections',
    register: 'registerProjectionCommands',
    commands: [['projections', '读模型（由事件日志派生）的重建与核对']],
  },
  {
    module: './commands/audit',
    register: 'registerAuditCommands',
    commands: [['audit', '审计：回放执行历史、核对事件日志、查看过程记录、导出离线审计包']],
  },
  {
    module: './commands/serve',
    register: 'registerServeCommand',
    commands: [
      [
        'serve [options]',
        '启动网页工作台与 HTTP 接口（连接已运行的 Temporal 与数据库；首次启动会创建管理员账号）',
      ],
    ],
  },
  {
    module: './commands/users',
    register: 'registerUserCommands',
    commands: [
      ['user', '账号管理（管理员）：新增、列出、停用'],
      ['token', 'API 访问令牌（管理员）：创建、列出、吊销'],
    ],
  },
  {
    module: './commands/calendar',
    register: 'registerCalendarCommands',
    commands: [['calendar', '工作日历：导入国务院办公厅节假日安排通知、查看某年放假和调休安排']],
  },
  {
    module: './commands/unit',
    register: 'registerUnitCommands',
    commands: [['unit', '单位目录：各单位接收催办/督办通知的渠道，下级单位']],
  },
  {
    module: './commands/doctor',
    register: 'registerDoctorCommand',
    commands: [['doctor [options]', '检查卡住的督办流程：任务反复失败或无法查询的工作流，原因及开始时间']],
  },
  {
    module: './commands/keys',
    register: 'registerKeyCommands',
    commands: [['keys', '命令签名密钥：生成、列出、轮换、吊销（属主登录）']],
  },
];

const nameOf = (term: string): string => term.split(' ')[0]!;

/** Loads a command module on demand (synchronously, as the compiled tree resolves it). */
function load(module: string, register: string): Register {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy by design, see COMMANDS
  return (require(module) as Record<string, Register>)[register]!;
}

/**
 * The program for these arguments: the command they name is defined by its module; every other
 * command is listed by name and description only. `all` loads every module (for the check above).
 */
export function buildProgram(args: readonly string[], all = false): Command {
  const stubs = new Map<Command, string>();
  const program = speakChinese(
    new Command('dudao').description('督导：规划任务分工的督查督办引擎（Temporal 工作流 + 事件溯源）'),
  );
  // A listed-only command shows the term its module would give it (arguments, [选项]).
  const chinese = program.configureHelp();
  program.configureHelp({
    ...chinese,
    subcommandTerm(this: Help, cmd: Command) {
      const term = stubs.get(cmd);
      return term === undefined
        ? chinese.subcommandTerm!.call(this, cmd)
        : term.replace('[options]', '[选项]');
    },
  });

  const [first, second] = args.filter((a) => !a.startsWith('-'));
  const wanted = first === 'help' ? second : first;
  for (const entry of COMMANDS) {
    if (all || entry.commands.some(([term]) => nameOf(term) === wanted)) {
      load(entry.module, entry.register)(program);
      continue;
    }
    for (const [term, description] of entry.commands)
      stubs.set(program.command(nameOf(term)).description(description), term);
  }
  return program;
}

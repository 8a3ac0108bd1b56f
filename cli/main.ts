import { Command } from 'commander';
import { registerUpCommand } from './commands/up';
import { registerWorkerCommand } from './commands/worker';
import { registerDbCommands } from './commands/db';
import { registerPlanCommands } from './commands/plan';
import { registerCycleCommands } from './commands/cycle';
import { registerTaskCommands } from './commands/task';
import { registerReviewCommands } from './commands/review';
import { registerProjectCommands } from './commands/project';
import { registerDemoCommand } from './commands/demo';
import { registerReportCommands } from './commands/report';
import { registerProjectionCommands } from './commands/projections';
import { registerAuditCommands } from './commands/audit';
import { registerServeCommand } from './commands/serve';
import { registerUserCommands } from './commands/users';

const program = new Command('dudao')
  .description('督导：规划任务分工的督查督办引擎（Temporal 工作流 + 事件溯源）')
  .helpOption('-h, --help', '显示帮助')
  .addHelpCommand('help [命令]', '显示某个命令的帮助')
  .showHelpAfterError('（用 dudao --help 查看用法）')
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error:/, '错误：')) });

registerUpCommand(program);
registerWorkerCommand(program);
registerDemoCommand(program);
registerDbCommands(program);
registerPlanCommands(program);
registerCycleCommands(program);
registerTaskCommands(program);
registerReviewCommands(program);
registerProjectCommands(program);
registerReportCommands(program);
registerProjectionCommands(program);
registerAuditCommands(program);
registerServeCommand(program);
registerUserCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});

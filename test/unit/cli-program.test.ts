import { buildProgram } from '../../cli/program';

/**
 * The CLI loads only the module of the command it runs; every other command is listed from the
 * table in cli/program.ts. The help that table gives must be the help the modules themselves give.
 */
describe('the command table of the lazy CLI', () => {
  it('lists every command as the command modules define it', () => {
    const full = buildProgram([], true);
    const lazy = buildProgram([]);
    expect(lazy.helpInformation()).toBe(full.helpInformation());
    expect(lazy.commands.map((c) => c.name())).toEqual(full.commands.map((c) => c.name()));
  });

  it('defines the command it runs (with its subcommands) and only lists the others', () => {
    const program = buildProgram(['task', 'list', '--unit', '基教处']);
    const task = program.commands.find((c) => c.name() === 'task')!;
    expect(task.commands.map((c) => c.name())).toContain('list');
    const worker = program.commands.find((c) => c.name() === 'worker')!;
    expect(worker.options).toEqual([]);
    // `dudao help review` shows review's own help: its module is loaded.
    const review = buildProgram(['help', 'review']).commands.find((c) => c.name() === 'review')!;
    expect(review.commands.map((c) => c.name())).toContain('list');
  });
});

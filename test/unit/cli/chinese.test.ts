import { Command } from 'commander';
import { chineseError, integerIn, numberIn, speakChinese } from '../../../cli/chinese';

/** What a person reads from the CLI's own machinery (help, parse errors) is Chinese. */
describe('the CLI speaks Chinese', () => {
  const program = () => {
    const root = speakChinese(new Command('dudao'));
    root
      .command('cycle')
      .description('督导周期')
      .command('start')
      .description('发起督导周期')
      .requiredOption('--name <名称>', '周期名称')
      .option('--kinds <类型>', '事项类型', 'major_project')
      .option('--year <年份>', '年度', integerIn(2000, 2100))
      .option('--plan <规划编号>', '来源', Number);
    return root;
  };

  it('titles help in Chinese, with Chinese usage placeholders and default notes', () => {
    const start = program().commands[0]!.commands[0]!;
    const help = start.helpInformation();
    expect(help).toMatch(/^用法： dudao cycle start \[选项\]/);
    expect(help).toContain('选项：');
    expect(help).toContain('（默认："major_project"）');
    expect(help).not.toMatch(/Usage|Options|default:|\[options\]/);
    expect(program().helpInformation()).toContain('命令：');
  });

  it('lines descriptions up counting Chinese characters as two columns', () => {
    const lines = program().commands[0]!.commands[0]!.helpInformation().split('\n');
    const column = (flag: string, description: string) => {
      const line = lines.find((l) => l.includes(flag))!;
      const before = line.slice(0, line.indexOf(description));
      return [...before].reduce((w, ch) => w + (/[\u4e00-\u9fff]/.test(ch) ? 2 : 1), 0);
    };
    expect(column('--name', '周期名称')).toBe(column('--kinds', '事项类型'));
    expect(column('--plan', '来源')).toBe(column('--kinds', '事项类型'));
  });

  it.each([
    ["error: required option '--name <名称>' not specified", '错误：缺少必填选项 --name <名称>'],
    ["error: unknown option '--bogus'", '错误：没有选项 --bogus'],
    ["error: unknown command 'cyle'\n(Did you mean cycle?)", '错误：没有命令 cyle\n（是否想用 cycle？）'],
    ["error: missing required argument 'file'", '错误：缺少参数 <file>'],
    ["error: option '--plan <规划编号>' argument missing", '错误：选项 --plan <规划编号> 缺少取值'],
    [
      "error: too many arguments for 'parse'. Expected 1 argument but got 2.",
      '错误：参数过多（应为 1 个，实际 2 个）',
    ],
  ])('translates %j', (english, chinese) => {
    expect(chineseError(english)).toBe(chinese);
  });

  it('refuses a number out of range in Chinese, through commander', () => {
    const root = program().exitOverride();
    let written = '';
    root.configureOutput({ outputError: (text) => (written += chineseError(text)) });
    root.commands[0]!.commands[0]!.exitOverride().configureOutput({
      outputError: (text) => (written += chineseError(text)),
    });
    expect(() => root.parse(['cycle', 'start', '--name', 'x', '--year', '1999'], { from: 'user' })).toThrow();
    expect(written).toContain('错误：选项 --year <年份> 的取值“1999”无效：应为 2000 到 2100 之间的整数。');
  });

  it('takes fractions where a number may have them, and refuses what is no number', () => {
    const drill = numberIn(1, 86_400);
    expect(drill('54.75')).toBe(54.75);
    for (const bad of ['abc', '', ' ', '0.5', '1e9', 'NaN', 'Infinity'])
      expect(() => drill(bad)).toThrow('应为 1 到 86400 之间的数。');
  });
});

import { Help, InvalidArgumentError, type Argument, type Command, type Option } from 'commander';
import { z } from 'zod';
import { displayWidth } from '../reports/table';

/*
 * Commander and zod speak English by default. Everything a person reads from `dudao` is Chinese:
 * help headings, the notes after an option, parse errors, and validation messages.
 */

const TITLES: Record<string, string> = {
  'Usage:': '用法：',
  'Options:': '选项：',
  'Global Options:': '全局选项：',
  'Commands:': '命令：',
  'Arguments:': '参数：',
};

/** "(default: 1, choices: "a", "b")" after an option or argument, in Chinese. */
const extraInfo = (text: string): string =>
  text
    .replace(/\bdefault: /g, '默认：')
    .replace(/\bchoices: /g, '可选：')
    .replace(/\bpreset: /g, '预设：')
    .replace(/\benv: /g, '环境变量：')
    .replace(/\(((?:默认|可选|预设|环境变量)：[^)]*)\)$/, '（$1）');

const ERRORS: [RegExp, string][] = [
  [/^error: required option '(.+)' not specified/m, '错误：缺少必填选项 $1'],
  [/^error: unknown option '(.+)'/m, '错误：没有选项 $1'],
  [/^error: unknown command '(.+)'/m, '错误：没有命令 $1'],
  [/^error: missing required argument '(.+)'/m, '错误：缺少参数 <$1>'],
  [/^error: option '(.+)' argument missing/m, '错误：选项 $1 缺少取值'],
  [/^error: option '(.+)' argument '(.*)' is invalid\. ?/m, '错误：选项 $1 的取值“$2”无效：'],
  [
    /^error: command-argument value '(.*)' is invalid for argument '(.+)'\. ?/m,
    '错误：参数 $2 的取值“$1”无效：',
  ],
  [
    /^error: too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\./m,
    '错误：参数过多（应为 $2 个，实际 $3 个）',
  ],
  [/^error: (.+) cannot be used with (.+)$/m, '错误：$1 不能与 $2 同时使用'],
  [/\(Did you mean one of (.+)\?\)/, '（是否想用：$1？）'],
  [/\(Did you mean (.+)\?\)/, '（是否想用 $1？）'],
  [/^error: ?/m, '错误：'],
];

/** A commander error message in Chinese. */
export const chineseError = (text: string): string =>
  ERRORS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);

/** Root settings every subcommand inherits: Chinese help and errors. */
export function speakChinese(program: Command): Command {
  z.config(z.locales.zhCN());
  return program
    .helpOption('-h, --help', '显示帮助')
    .helpCommand('help [命令]', '显示某个命令的帮助')
    .configureHelp({
      styleTitle: (title: string) => TITLES[title] ?? title,
      // Chinese characters take two columns in a terminal: count them so descriptions line up.
      displayWidth(this: Help, text: string) {
        return Help.prototype.displayWidth.call(this, text) + displayWidth(text) - [...text].length;
      },
      subcommandTerm(this: Help, cmd: Command) {
        return Help.prototype.subcommandTerm.call(this, cmd).replace('[options]', '[选项]');
      },
      commandUsage(this: Help, cmd: Command) {
        return Help.prototype.commandUsage
          .call(this, cmd)
          .replace('[options]', '[选项]')
          .replace('[command]', '[命令]');
      },
      optionDescription(this: Help, option: Option) {
        return extraInfo(Help.prototype.optionDescription.call(this, option));
      },
      argumentDescription(this: Help, argument: Argument) {
        return extraInfo(Help.prototype.argumentDescription.call(this, argument));
      },
    })
    .showHelpAfterError('（用 dudao --help 或 dudao <命令> --help 查看用法）')
    .configureOutput({ outputError: (text, write) => write(chineseError(text)) });
}

/** An option parser for numbers in a range (whole ones only when `whole`), refusing others in Chinese. */
const numberParser =
  (min: number, max: number, whole: boolean) =>
  (value: string): number => {
    const n = Number(value);
    const kind = whole ? Number.isInteger(n) : Number.isFinite(n);
    if (value.trim() === '' || !kind || n < min || n > max)
      throw new InvalidArgumentError(`应为 ${min} 到 ${max} 之间的${whole ? '整数' : '数'}。`);
    return n;
  };

/** An option parser for numbers (fractions too) in a range. */
export const numberIn = (min: number, max: number) => numberParser(min, max, false);

/** An option parser for whole numbers in a range. */
export const integerIn = (min: number, max: number) => numberParser(min, max, true);

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { SetupError } from './errors';

/** The path of `name` on PATH, or null. */
export function onPath(name: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
}

export interface GoInstallOptions {
  /** Module packages with their versions (`module/cmd/x@v1.2.3`). */
  packages: string[];
  /** Where the binaries go (GOBIN). */
  gobin: string;
  /** What is being built, for the messages (Chinese). */
  what: string;
  /** What a user does instead when there is no Go toolchain (Chinese). */
  withoutGo: string;
  /** Expected duration, said before the build starts (Chinese). */
  expected: string;
  /** A go build writes its own lines (downloads) to stderr; `quiet` keeps them out of the terminal. */
  quiet?: boolean;
  /** Aborting ends the build (a caller with a time budget). */
  signal?: AbortSignal;
  log: (line: string) => void;
}

/**
 * `go install` of pinned packages from the Go module proxy, with a line of progress every 20
 * seconds (a cold build runs for minutes without printing anything). Returns the seconds it took.
 */
export async function goInstall(o: GoInstallOptions): Promise<number> {
  if (!onPath('go')) throw new SetupError(`找不到${o.what}，也找不到 Go 工具链，无法自动构建。`, o.withoutGo);
  const cmd = `GOBIN=${o.gobin} go install ${o.packages.join(' ')}`;
  o.log(`正在从 Go 模块代理构建${o.what}：${cmd}`);
  o.log(o.expected);
  const started = Date.now();
  const ticker = setInterval(
    () => o.log(`仍在构建${o.what}……已用 ${Math.round((Date.now() - started) / 1000)} 秒`),
    20_000,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const build: ChildProcess = spawn('go', ['install', ...o.packages], {
        env: { ...process.env, GOBIN: o.gobin },
        stdio: ['ignore', o.quiet ? 'ignore' : 'inherit', o.quiet ? 'ignore' : 'inherit'],
        ...(o.signal ? { signal: o.signal } : {}),
      });
      build.once('error', reject);
      build.once('exit', (code) =>
        code === 0
          ? resolve()
          : reject(new SetupError(`构建${o.what}失败（退出码 ${code}）。`, `请手动执行：${cmd}`)),
      );
    });
  } finally {
    clearInterval(ticker);
  }
  const seconds = (Date.now() - started) / 1000;
  o.log(`${o.what}构建完成，用时 ${seconds.toFixed(1)} 秒：${o.gobin}`);
  return seconds;
}

/** Ends a child process: SIGTERM, then SIGKILL if it has not exited within 15 seconds. */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// The compiled CLI, as `dudao` runs it (`npm test` builds it first): what a command's module loads
// is what every run of that command pays before it does anything.
const root = path.join(__dirname, '..', '..', '..');

function modulesLoadedBy(file: string): string[] {
  const compiled = path.join(root, 'dist', file);
  if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: run npm run build first`);
  const script = `require(${JSON.stringify(compiled)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root }).toString()) as string[];
}

/**
 * Any of Temporal's packages (the client, its errors module included, which brings gRPC; the
 * workflow package and its message definitions; the worker), gRPC, the bundler: none is needed to
 * read PostgreSQL, and together they were a tenth of a `dudao task list`.
 */
const HEAVY = /node_modules\/(@temporalio\/|@grpc\/|webpack\/|@swc\/)/;

describe('commands that only read PostgreSQL load no Temporal package, gRPC or bundler', () => {
  it.each(['cli/commands/task.js', 'cli/commands/review.js', 'cli/commands/report.js', 'cli/program.js'])(
    '%s',
    (file) => {
      const loaded = modulesLoadedBy(file);
      expect(loaded.filter((m) => HEAVY.test(m))).toEqual([]);
      // It did load what it needs: the query builder (the program itself defers even that).
      if (file !== 'cli/program.js')
        expect(loaded.some((m) => m.includes('node_modules/kysely/'))).toBe(true);
    },
  );
});

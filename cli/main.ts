import { buildProgram } from './program';

const args = process.argv.slice(2);
buildProgram(args)
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });

import path from 'node:path';

/** The repository root, whether running from source (ts) or from dist/. */
export const repoRoot = (() => {
  const here = __dirname;
  const parts = here.split(path.sep);
  const distAt = parts.lastIndexOf('dist');
  return distAt >= 0 ? parts.slice(0, distAt).join(path.sep) : path.resolve(here, '..');
})();

export const dataDir = (): string => process.env.DUDAO_DATA_DIR ?? path.join(repoRoot, '.data');
export const toolsDir = (): string => path.join(repoRoot, '.tools');

#!/usr/bin/env node
'use strict';
/*
 * `npm start` compiles only what changed: when no TypeScript source (or tsconfig) is newer than the
 * last build, it starts at once; otherwise tsc rebuilds incrementally (a few seconds, not a full
 * clean build). `npm run build` (and `npm install`) still build from scratch.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const config = path.join(root, 'tsconfig.build.json');
const stamp = path.join(root, 'dist', '.tsbuildinfo');

function newestSource() {
  const { include } = JSON.parse(fs.readFileSync(config, 'utf8'));
  let newest = Math.max(fs.statSync(config).mtimeMs, fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs);
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
    }
  };
  for (const dir of include) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return newest;
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (built > newestSource()) process.exit(0);
console.log('正在编译有改动的源代码……');
const tsc = spawnSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', config, '--incremental', '--tsBuildInfoFile', stamp],
  { cwd: root, stdio: 'inherit' },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// tsc leaves the build-info file untouched when nothing changed: the stamp says "checked now".
fs.utimesSync(stamp, new Date(), new Date());

#!/usr/bin/env node
'use strict';
// The CLI runs from the compiled tree; `npm install` builds it (the `prepare` script).
try {
  require('../dist/cli/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('dudao 尚未构建：请先在项目目录运行 npm install（或 npm run build）。');
    process.exit(1);
  }
  throw err;
}

#!/usr/bin/env node
// Runs every *.test.ts under src-main/, src-renderer/, tests/ and bench/ with node's test runner (through tsx).
// Usage: node scripts/run-tests.mjs [path-filter ...]   e.g. `npm test -- engine/checkpoint`
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const roots = ['src-main', 'src-renderer', 'tests', 'bench'];
const filters = process.argv.slice(2);

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (path === join(root, 'bench', 'work')) continue; // the benchmark's git-ignored scratch space
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.tsx')) out.push(relative(root, path));
  }
  return out;
}

const files = roots.filter((r) => existsSync(join(root, r))).flatMap((r) => collect(join(root, r), [])).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);

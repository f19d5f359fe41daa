#!/usr/bin/env node
// Prints the node_modules folders (relative to the repo root) that the engine and the bench need at run time:
// the given root packages and, recursively, their dependencies and installed optional dependencies.
// Usage: node bench/gpu/module-closure.mjs tsx onnx-proto onnxruntime-node @huggingface/tokenizers @huggingface/jinja
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = process.cwd();
const seen = new Set();

/** Node's lookup: node_modules beside `from`, then in each parent folder up to the repo root. */
function locate(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === dirname(dir)) return null;
  }
}

function visit(name, from, optional) {
  const dir = locate(name, from);
  if (!dir) {
    if (!optional) throw new Error(`${name} (needed from ${relative(root, from) || '.'}) is not installed`);
    return;
  }
  if (seen.has(dir)) return;
  seen.add(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, false);
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, dir, true);
  for (const [dep, meta] of Object.entries(pkg.peerDependenciesMeta ?? {})) if (!meta.optional) visit(dep, dir, true);
}

for (const name of process.argv.slice(2)) visit(name, root, false);
console.log([...seen].map((d) => relative(root, d)).sort().join('\n'));

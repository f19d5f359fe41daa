#!/usr/bin/env node
// Builds the app with esbuild:
//   dist/renderer/  index.html + main.js + main.css   (from src-renderer/main.tsx; served by `hymba serve` and app://)
//   dist/electron/  main.js, preload.cjs, engine.cjs  (Electron main, sandboxed preload, utilityProcess engine)
// Usage: node scripts/build.mjs [--renderer-only | --electron-only] [--dev] [--out <dir>]   (default out: dist)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const args = new Set(argv);
const dev = args.has('--dev');
const outFlag = argv.indexOf('--out');
const outRoot = outFlag >= 0 && argv[outFlag + 1] ? resolve(argv[outFlag + 1]) : join(root, 'dist');
const out = (...parts) => join(outRoot, ...parts);

async function buildRenderer() {
  rmSync(out('renderer'), { recursive: true, force: true });
  mkdirSync(out('renderer'), { recursive: true });
  await build({
    entryPoints: { main: join(root, 'src-renderer', 'main.tsx') },
    outdir: out('renderer'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    loader: { '.svg': 'file', '.png': 'file', '.woff2': 'file' },
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    logLevel: 'warning',
  });
  copyFileSync(join(root, 'src-renderer', 'index.html'), out('renderer', 'index.html'));
}

// Electron loads CommonJS here; `import.meta.url` is mapped to the bundle's own file URL.
const cjsShim = { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" };
const nodeBundle = (entry, outfile, external) => ({
  entryPoints: [join(root, entry)],
  outfile: out('electron', outfile),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: ['node20'],
  external,
  banner: cjsShim,
  define: { 'import.meta.url': '__importMetaUrl' },
  sourcemap: dev ? 'inline' : false,
  // import.meta.resolve is used only by the Node launcher of the engine, never inside Electron.
  logOverride: { 'empty-import-meta': 'silent' },
  logLevel: 'warning',
});

async function buildElectron() {
  rmSync(out('electron'), { recursive: true, force: true });
  mkdirSync(out('electron'), { recursive: true });
  await Promise.all([
    build(nodeBundle('src-main/electron/main.ts', 'main.js', ['electron', 'onnxruntime-node'])),
    build({ ...nodeBundle('src-main/electron/preload.ts', 'preload.cjs', ['electron']), banner: undefined, define: undefined }),
    build(nodeBundle('src-main/engine/process/engine-entry.ts', 'engine.cjs', ['electron', 'onnxruntime-node'])),
  ]);
  // package.json says "type": "module"; this folder holds CommonJS bundles.
  writeFileSync(out('electron', 'package.json'), '{ "type": "commonjs" }\n');
}

if (!args.has('--electron-only')) await buildRenderer();
if (!args.has('--renderer-only')) await buildElectron();
console.log(`built ${[!args.has('--electron-only') && 'renderer', !args.has('--renderer-only') && 'electron'].filter(Boolean).join(' and ')} in ${outRoot}`);

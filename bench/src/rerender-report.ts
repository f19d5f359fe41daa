/**
 * Re-renders a benchmark report (Markdown, charts, latest*.json) from its results JSON with this code's
 * target rules, optionally adding the GPU target from a PyTorch reference measured in another call.
 *
 *   npx tsx bench/src/rerender-report.ts <results.json> [--gpu-reference torch-reference.json]
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { writeResults } from './report.ts';
import { retarget, type BenchResults, type GpuReference } from './results.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'gpu-reference': { type: 'string' } } });
const file = positionals[0];
if (!file) throw new Error('usage: rerender-report.ts <results.json> [--gpu-reference file]');
const results = JSON.parse(await readFile(file, 'utf8')) as BenchResults;
const reference = values['gpu-reference'] ? (JSON.parse(await readFile(values['gpu-reference'], 'utf8')) as GpuReference) : null;
// A reference given here was not measured in the run being rendered: the GPU target says so.
const retargeted = retarget(results, reference);
const marked = { ...retargeted, targets: retargeted.targets.map((t) => (reference && t.name.startsWith('GPU decode vs PyTorch') ? { ...t, name: `${t.name}, measured in another call (${values['gpu-reference']})` } : t)) };
console.log(`wrote ${(await writeResults(dirname(file), marked)).join(', ')}`);

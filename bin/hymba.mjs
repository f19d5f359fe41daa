#!/usr/bin/env node
// The `hymba` command: runs the TypeScript CLI through tsx, so it works from a clean clone after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

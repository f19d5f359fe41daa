// Lint rules that keep the layers apart (docs/architecture.md):
//   renderer -> contract (types only) <- main services -> engine ; electron glue is the only Electron importer.
import tseslint from 'typescript-eslint';

const noElectron = { group: ['electron', 'electron/*', 'electron-store'], message: 'Only src-main/electron may import Electron.' };
const noUpward = (names) => ({ group: names, message: 'This import points up or across the layering (see docs/architecture.md).' });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'test-artifacts/**', 'tools/**', 'assets/**', 'bench/work/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-main/contract/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noUpward(['node:*', '**/engine/**', '**/services/**', '**/web/**', '**/cli/**'])] }] },
  },
  {
    files: ['src-main/engine/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noUpward(['**/services/**', '**/web/**', '**/cli/**', '**/electron/**', '**/src-renderer/**'])] }] },
  },
  {
    files: ['src-main/services/**', 'src-main/web/**', 'src-main/api/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noUpward(['**/cli/**', '**/electron/**', '**/src-renderer/**'])] }] },
  },
  {
    files: ['src-main/cli/**', 'bench/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noUpward(['**/electron/**', '**/src-renderer/**'])] }] },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noElectron, noUpward(['node:*', '**/engine/**', '**/services/**', '**/web/**', '**/cli/**', '**/electron/**'])] }],
    },
  },
  // Unit tests of the browser-safe layers run in Node's test runner: they may use node:* (node:test,
  // node:assert, fixtures), but still nothing from the layers above.
  {
    files: ['src-main/contract/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noUpward(['**/engine/**', '**/services/**', '**/web/**', '**/cli/**'])] }] },
  },
  {
    files: ['src-renderer/**/*.test.ts', 'src-renderer/**/*.test.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noElectron, noUpward(['**/engine/**', '**/services/**', '**/web/**', '**/cli/**', '**/electron/**'])] }],
    },
  },
);

/**
 * The model the CLI uses when `--model` is not given: the embedded Instruct package shipped in
 * assets/models (the same default as the app, services/models/resolve-model.ts).
 */
import { fileURLToPath } from 'node:url';

export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../assets/models/hymba-desk-instruct', import.meta.url));

#!/usr/bin/env node
/**
 * Checks that an exported tokenizer loads in @huggingface/tokenizers (the app's tokenizer library) and encodes
 * like the Python `tokenizers` library that trained it.
 *
 *   node tools/train/check_tokenizer.mjs <hf-dir> <results.json>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

const [dir, resultsPath] = process.argv.slice(2);
const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
const tokenizer = new Tokenizer(read(join(dir, 'tokenizer.json')), read(join(dir, 'tokenizer_config.json')));
const { tokenizer: recorded } = read(resultsPath);
const ids = tokenizer.encode(recorded.probe, { add_special_tokens: false }).ids;
const same = JSON.stringify(ids) === JSON.stringify(recorded.probe_ids);
console.log(same ? `ids match the Python tokenizer (${ids.length} tokens)` : `MISMATCH: ${JSON.stringify(ids)} vs ${JSON.stringify(recorded.probe_ids)}`);
const chat = '<extra_id_0>System\n\n<extra_id_1>User\nWhat does harbor mean?\n<extra_id_1>Assistant\n';
const encoded = tokenizer.encode(chat);
const roundtrip = tokenizer.decode(encoded.ids, { skip_special_tokens: true }) === chat;
console.log(`chat prompt: ${encoded.ids.length} tokens, starts with BOS: ${encoded.ids[0] === 1}, decodes back: ${roundtrip}`);
process.exit(same && roundtrip && encoded.ids[0] === 1 ? 0 : 1);

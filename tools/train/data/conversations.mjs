/**
 * Instruct conversations built from WordNet: definitions, synonyms, antonyms, example sentences and sense lists,
 * each in several phrasings, plus the hand-written app turns.
 */
import { POS_ORDER, senseSynset } from './wordnet.mjs';
import {
  ANTONYM_QUESTIONS, APP_TURNS, DEFINITION_QUESTIONS, EXAMPLE_QUESTIONS, SENSE_QUESTIONS, SYNONYM_QUESTIONS,
} from './templates.mjs';

const POS_NAME = { noun: 'noun', verb: 'verb', adj: 'adjective', adv: 'adverb' };
const ARTICLE = { noun: 'a', verb: 'a', adj: 'an', adv: 'an' };

/** Deterministic PRNG (mulberry32). */
export function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: (list) => list[Math.floor(next() * list.length)], int: (n) => Math.floor(next() * n) };
}

/** Fisher-Yates shuffle in place with the given rng. */
export function shuffle(list, rng) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

const fill = (template, word) => template.replaceAll('{w}', word);
const capitalise = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const sentence = (s) => (/[.!?]$/.test(s) ? s : `${s}.`);

/**
 * Everything the templates need about one lemma: its parts of speech ordered by corpus frequency (WordNet
 * sense tag counts), the first synset of each, and all its senses.
 */
export function describeLemma(db, lemma, tagCounts) {
  const entries = db.index.get(lemma) ?? [];
  const scored = entries.map((entry) => ({
    entry,
    count: entry.synsets.reduce((sum, offset) => sum + (tagCounts.get(`${lemma}:${entry.pos}:${offset}`) ?? 0), 0),
  }));
  scored.sort((a, b) => b.count - a.count || POS_ORDER.indexOf(a.entry.pos) - POS_ORDER.indexOf(b.entry.pos));
  const parts = scored
    .map(({ entry }) => ({ pos: entry.pos, first: senseSynset(db, entry, 0), entry }))
    .filter((p) => p.first !== undefined && p.first.definition.length > 0);
  const senses = parts.flatMap((p) => p.entry.synsets.map((_, n) => ({ pos: p.pos, synset: senseSynset(db, p.entry, n) })))
    .filter((s) => s.synset !== undefined && s.synset.definition.length > 0);
  return { lemma, parts, senses };
}

function exampleWith(word, synset) {
  const pattern = new RegExp(`\\b${word}\\b`, 'i');
  return synset.examples.find((e) => pattern.test(e) && e.length < 120);
}

/** Answer to a definition question: the first sense of every part of speech, most frequent first. */
export function definitionAnswer(info, rng) {
  const [main, ...rest] = info.parts;
  const w = info.lemma;
  const style = rng.int(3);
  let text;
  if (style === 0) text = `${capitalise(w)} is ${ARTICLE[main.pos]} ${POS_NAME[main.pos]} that means ${main.first.definition}.`;
  else if (style === 1) text = `As ${ARTICLE[main.pos]} ${POS_NAME[main.pos]}, "${w}" means ${main.first.definition}.`;
  else text = `${capitalise(w)} (${POS_NAME[main.pos]}): ${main.first.definition}.`;
  for (const part of rest.slice(0, 2)) text += ` As ${ARTICLE[part.pos]} ${POS_NAME[part.pos]}, it means ${part.first.definition}.`;
  const example = exampleWith(w, main.first);
  if (example !== undefined && rng.next() < 0.5) text += ` For example: "${sentence(example)}"`;
  return text;
}

function synonymConversation(info, rng) {
  for (const part of info.parts) {
    const others = [...new Set(part.first.words.filter((x) => x.toLowerCase() !== info.lemma))].slice(0, 4);
    if (others.length === 0) continue;
    const list = others.length === 1 ? others[0] : `${others.slice(0, -1).join(', ')} and ${others.at(-1)}`;
    const answer = rng.next() < 0.5
      ? `In the sense "${part.first.definition}", ${info.lemma} is close to ${list}.`
      : `Synonyms of ${info.lemma} (${POS_NAME[part.pos]}, ${part.first.definition}): ${list}.`;
    return [{ role: 'user', content: fill(rng.pick(SYNONYM_QUESTIONS), info.lemma) }, { role: 'assistant', content: answer }];
  }
  return undefined;
}

function antonymConversation(db, info, rng) {
  for (const part of info.parts) {
    const index = part.first.words.findIndex((x) => x.toLowerCase() === info.lemma) + 1;
    const pointer = part.first.antonyms.find((a) => a.source === index || a.source === 0);
    if (pointer === undefined) continue;
    const target = db.synsets.get(`${pointer.targetPos}:${pointer.target}`);
    const word = target?.words[Math.max(0, pointer.targetWord - 1)];
    if (target === undefined || word === undefined) continue;
    const answer = rng.next() < 0.5
      ? `The opposite of ${info.lemma} is ${word}.`
      : `${capitalise(word)} is an antonym of ${info.lemma}: ${word} means ${target.definition}.`;
    return [{ role: 'user', content: fill(rng.pick(ANTONYM_QUESTIONS), info.lemma) }, { role: 'assistant', content: answer }];
  }
  return undefined;
}

function exampleConversation(info, rng) {
  for (const part of info.parts) {
    const example = exampleWith(info.lemma, part.first);
    if (example === undefined) continue;
    const answer = rng.next() < 0.5
      ? `Here is an example: "${capitalise(sentence(example))}"`
      : `"${capitalise(sentence(example))}" Here ${info.lemma} means ${part.first.definition}.`;
    return [{ role: 'user', content: fill(rng.pick(EXAMPLE_QUESTIONS), info.lemma) }, { role: 'assistant', content: answer }];
  }
  return undefined;
}

function senseConversation(info, rng) {
  const count = info.senses.length;
  const listed = info.senses.slice(0, 3).map((s, i) => `${i + 1}. (${POS_NAME[s.pos]}) ${s.synset.definition}.`);
  const head = count === 1
    ? `${capitalise(info.lemma)} has one sense:`
    : `${capitalise(info.lemma)} has ${count} senses. ${count > 3 ? 'The most common are:' : 'They are:'}`;
  return [{ role: 'user', content: fill(rng.pick(SENSE_QUESTIONS), info.lemma) }, { role: 'assistant', content: `${head} ${listed.join(' ')}` }];
}

/** A single-turn definition conversation, with the question phrased by one of the definition templates. */
export function definitionConversation(info, rng, question = rng.pick(DEFINITION_QUESTIONS)) {
  return [{ role: 'user', content: fill(question, info.lemma) }, { role: 'assistant', content: definitionAnswer(info, rng) }];
}

/**
 * All single-turn conversations for one lemma.
 * @param {boolean} withDefinitions false for held-out words: they never appear in the definition templates
 */
export function lemmaConversations(db, info, rng, withDefinitions, definitionCopies) {
  const out = [];
  if (withDefinitions) {
    const questions = shuffle([...DEFINITION_QUESTIONS], rng).slice(0, definitionCopies);
    for (const q of questions) out.push({ kind: 'definition', messages: definitionConversation(info, rng, q) });
  }
  const synonyms = synonymConversation(info, rng);
  if (synonyms) out.push({ kind: 'synonyms', messages: synonyms });
  const antonyms = antonymConversation(db, info, rng);
  if (antonyms) out.push({ kind: 'antonyms', messages: antonyms });
  const example = exampleConversation(info, rng);
  if (example) out.push({ kind: 'example', messages: example });
  if (info.senses.length > 1 || !withDefinitions) out.push({ kind: 'senses', messages: senseConversation(info, rng) });
  return out;
}

/** Every user phrasing of every hand-written turn, each with a randomly chosen answer. */
export function appConversations(rng) {
  return APP_TURNS.flatMap((turn) => turn.users.map((user) => ({
    kind: 'app',
    messages: [{ role: 'user', content: user }, { role: 'assistant', content: rng.pick(turn.answers) }],
  })));
}

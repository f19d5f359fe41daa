import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { IncrementalDetokenizer, completePrefixLength } from './incremental-detokenizer.ts';
import { StopStringMatcher } from './stopping-criteria.ts';
import { TextTokenizer } from './text-tokenizer.ts';

const filesDir = fileURLToPath(new URL('../../../../shared/fixtures/hymba-1.5b-files/', import.meta.url));
const tokenizer = await TextTokenizer.fromDir(filesDir);

test('the chat template with BOS gives the token ids of hymba-architecture §8', () => {
  const ids = tokenizer.encodeInput({
    mode: 'chat',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Hi' },
    ],
  });
  assert.deepEqual(ids, [
    1, 529, 17833, 29918, 333, 29918, 29900, 29958, 3924, 13, 3492, 526, 263, 8444, 20255, 29889, 13, 13, 29966, 17833, 29918, 333,
    29918, 29896, 29958, 2659, 13, 18567, 13, 29966, 17833, 29918, 333, 29918, 29896, 29958, 7900, 22137, 13,
  ]);
  assert.equal(tokenizer.eosTokenId, 2);
});

test('completion mode prepends BOS to the plain prompt', () => {
  assert.deepEqual(tokenizer.encodeInput({ mode: 'completion', prompt: 'Hello world' }), [1, 15043, 3186]);
});

test('streaming byte-fallback tokens never splits a UTF-8 character and equals the full decode', () => {
  const text = 'héllo 😀 wörld 日本 — ∑ 🧪!';
  const ids = tokenizer.encodeText(text);
  assert.ok(ids.some((id) => tokenizer.tokenBytes(id).length === 1 && tokenizer.tokenBytes(id)[0]! >= 0x80), 'the text must use byte-fallback tokens');
  const detok = new IncrementalDetokenizer((id) => tokenizer.tokenBytes(id), true);
  const pieces = ids.map((id) => detok.push(id));
  pieces.push(detok.flush());
  for (const piece of pieces) assert.ok(!piece.includes('\uFFFD'), `piece ${JSON.stringify(piece)} holds a broken character`);
  assert.equal(pieces.join(''), text);
  assert.equal(pieces.join(''), tokenizer.decode(ids));
  assert.ok(pieces.filter((p) => p === '').length >= 3, 'the 4-byte emoji arrives over several tokens');
});

test('without stripping, a continuation keeps its leading space; special tokens print nothing', () => {
  const detok = new IncrementalDetokenizer((id) => tokenizer.tokenBytes(id), false);
  assert.equal(detok.push(3186), ' world');
  assert.equal(detok.push(2), '');
});

test('completePrefixLength stops before an unfinished multi-byte sequence', () => {
  assert.equal(completePrefixLength([0x61, 0xf0, 0x9f, 0x98]), 1);
  assert.equal(completePrefixLength([0x61, 0xf0, 0x9f, 0x98, 0x80]), 5);
  assert.equal(completePrefixLength([0xc3]), 0);
  assert.equal(completePrefixLength([0xc3, 0xa9, 0x62]), 3);
});

test('stop strings hold back a possible prefix and cut the text before the stop', () => {
  const matcher = new StopStringMatcher(['</s>', 'User:']);
  assert.deepEqual(matcher.push('Hello <'), { emit: 'Hello ', stopped: false });
  assert.deepEqual(matcher.push('b>'), { emit: '<b>', stopped: false });
  assert.deepEqual(matcher.push(' ok Us'), { emit: ' ok ', stopped: false });
  assert.deepEqual(matcher.push('er: more'), { emit: '', stopped: true });
  const other = new StopStringMatcher(['END']);
  other.push('abc E');
  assert.equal(other.flush(), 'E');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { parseMarkdown, parseMarkdownBlocks } from './parse-markdown.ts';
import { parseInline, safeHref } from './parse-inline.ts';
import { MarkdownView } from './markdown-view.tsx';

const html = (source: string): string => renderToStaticMarkup(createElement(MarkdownView, { source }));

test('inline emphasis, strong, code, strike and links', () => {
  assert.deepEqual(parseInline('a **b** *c* `d` ~~e~~'), [
    { type: 'text', text: 'a ' },
    { type: 'strong', children: [{ type: 'text', text: 'b' }] },
    { type: 'text', text: ' ' },
    { type: 'emphasis', children: [{ type: 'text', text: 'c' }] },
    { type: 'text', text: ' ' },
    { type: 'code', text: 'd' },
    { type: 'text', text: ' ' },
    { type: 'strike', children: [{ type: 'text', text: 'e' }] },
  ]);
  assert.deepEqual(parseInline('[site](https://example.com)'), [
    { type: 'link', href: 'https://example.com', children: [{ type: 'text', text: 'site' }] },
  ]);
});

test('unmatched delimiters and snake_case stay literal', () => {
  assert.deepEqual(parseInline('2 * 3 and **open'), [{ type: 'text', text: '2 * 3 and **open' }]);
  assert.deepEqual(parseInline('snake_case_name'), [{ type: 'text', text: 'snake_case_name' }]);
  assert.deepEqual(parseInline('\\*not em\\*'), [{ type: 'text', text: '*not em*' }]);
});

test('unsafe link targets are dropped to text', () => {
  assert.equal(safeHref('javascript:alert(1)'), null);
  assert.equal(safeHref('data:text/html,x'), null);
  assert.equal(safeHref('mailto:a@b.c'), 'mailto:a@b.c');
  assert.deepEqual(parseInline('[click](javascript:alert(1))'), [{ type: 'text', text: 'click' }, { type: 'text', text: ')' }]);
});

test('bare URLs become links without trailing punctuation', () => {
  const nodes = parseInline('see https://example.com/a_(b). ok');
  assert.deepEqual(nodes[1], { type: 'link', href: 'https://example.com/a_(b)', children: [{ type: 'text', text: 'https://example.com/a_(b)' }] });
  assert.deepEqual(nodes[2], { type: 'text', text: '. ok' });
});

test('fenced code keeps its text verbatim and reports an unclosed fence', () => {
  const blocks = parseMarkdown('Intro\n\n```ts\nconst a = 1 < 2;\n  **x**\n```\nafter');
  assert.deepEqual(blocks[1], { type: 'codeBlock', language: 'ts', code: 'const a = 1 < 2;\n  **x**', closed: true });
  assert.deepEqual(blocks[2], { type: 'paragraph', children: [{ type: 'text', text: 'after' }] });
  const streaming = parseMarkdown('```python\nprint(1)\n');
  assert.deepEqual(streaming, [{ type: 'codeBlock', language: 'python', code: 'print(1)\n', closed: false }]);
});

test('headings, rules, quotes and paragraphs with soft breaks', () => {
  const blocks = parseMarkdown('# Title\n\n---\n\n> quoted\n> more\n\nline one\nline two');
  assert.equal(blocks[0]?.type, 'heading');
  assert.equal(blocks[1]?.type, 'rule');
  assert.deepEqual(blocks[2], { type: 'quote', children: [{ type: 'paragraph', children: [{ type: 'text', text: 'quoted' }, { type: 'break' }, { type: 'text', text: 'more' }] }] });
  assert.deepEqual(blocks[3], { type: 'paragraph', children: [{ type: 'text', text: 'line one' }, { type: 'break' }, { type: 'text', text: 'line two' }] });
});

test('nested and ordered lists', () => {
  const blocks = parseMarkdown('3. three\n4. four\n   - nested\n   - again\n\nafter');
  const list = blocks[0];
  assert.ok(list?.type === 'list');
  assert.equal(list.ordered, true);
  assert.equal(list.start, 3);
  assert.equal(list.items.length, 2);
  const nested = list.items[1]?.[1];
  assert.ok(nested?.type === 'list');
  assert.equal(nested.ordered, false);
  assert.equal(nested.items.length, 2);
  assert.equal(blocks[1]?.type, 'paragraph');
});

test('GFM tables with alignment', () => {
  const blocks = parseMarkdown('| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 |');
  const table = blocks[0];
  assert.ok(table?.type === 'table');
  assert.deepEqual(table.align, ['left', 'right']);
  assert.equal(table.rows.length, 2);
  assert.deepEqual(table.rows[1]?.[1], []);
});

test('rendered output escapes HTML in model text', () => {
  const out = html('<img src=x onerror=alert(1)> **<b>hi</b>**\n\n```\n<script>alert(1)</script>\n```');
  assert.ok(!out.includes('<img'));
  assert.ok(!out.includes('<script'));
  assert.ok(out.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(out.includes('<strong>&lt;b&gt;hi&lt;/b&gt;</strong>'));
  assert.ok(out.includes('data-testid="code-block"'));
});

test('links render with noopener and unsafe schemes never reach href', () => {
  const out = html('[a](https://x.org) [b](javascript:void(0))');
  assert.ok(out.includes('href="https://x.org"'));
  assert.ok(out.includes('rel="noopener noreferrer"'));
  assert.ok(!out.includes('javascript:'));
});

test('parseMarkdownBlocks gives the same blocks as parseMarkdown, each with the lines it came from', () => {
  const source = '# Title\n\nSome *text*\nmore\n\n- a\n- b\n\n```js\nx = 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n';
  const sourced = parseMarkdownBlocks(source);
  assert.deepEqual(
    sourced.map((s) => s.block),
    parseMarkdown(source),
  );
  assert.deepEqual(
    sourced.map((s) => s.source),
    ['# Title', 'Some *text*\nmore', '- a\n- b', '```js\nx = 1\n```', '| a | b |\n|---|---|\n| 1 | 2 |'],
  );
});

test('while a reply streams, only its last block changes source; earlier blocks keep theirs', () => {
  const full = 'First paragraph.\n\nSecond one, still being written';
  const early = parseMarkdownBlocks(full.slice(0, 30));
  const later = parseMarkdownBlocks(full);
  assert.equal(early[0]?.source, later[0]?.source);
  assert.notEqual(early.at(-1)?.source, later.at(-1)?.source);
});

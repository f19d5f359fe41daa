/**
 * Block-level Markdown → BlockNode[]: fenced code, headings, rules, quotes, lists (nested), GFM tables and
 * paragraphs. Written for chat replies that arrive token by token: an unclosed fence is a code block in
 * progress, and half-written syntax degrades to text instead of failing.
 */
import type { BlockNode, TableAlign } from './markdown-ast.ts';
import { parseInline } from './parse-inline.ts';

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(\s+|$)(.*)$/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function startsBlock(line: string): boolean {
  return FENCE_OPEN.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line);
}

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < row.length; i += 1) {
    const ch = row[i];
    if (ch === '\\' && row[i + 1] === '|') {
      cell += '|';
      i += 1;
    } else if (ch === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

function alignOf(cell: string): TableAlign {
  const left = cell.startsWith(':');
  const right = cell.endsWith(':');
  if (left && right) return 'center';
  if (right) return 'right';
  if (left) return 'left';
  return null;
}

/** A top-level block with the source lines it came from (equal text, equal block: views memoize on it). */
export interface SourcedBlock {
  readonly block: BlockNode;
  readonly source: string;
}

function splitLines(source: string): string[] {
  return source.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n');
}

/** Parses a whole Markdown document (or the part of it streamed so far). */
export function parseMarkdown(source: string): BlockNode[] {
  return parseLines(splitLines(source));
}

/** Like parseMarkdown, keeping each top-level block's source text beside it. */
export function parseMarkdownBlocks(source: string): SourcedBlock[] {
  const lines = splitLines(source);
  const sourced: SourcedBlock[] = [];
  for (let i = nextContentLine(lines, 0); i < lines.length; ) {
    const blocks: BlockNode[] = [];
    const end = parseBlockAt(lines, i, blocks);
    const text = lines.slice(i, end).join('\n');
    for (const block of blocks) sourced.push({ block, source: text });
    i = nextContentLine(lines, end);
  }
  return sourced;
}

function nextContentLine(lines: readonly string[], from: number): number {
  let i = from;
  while (i < lines.length && isBlank(lines[i] ?? '')) i += 1;
  return i;
}

function parseLines(lines: readonly string[]): BlockNode[] {
  const blocks: BlockNode[] = [];
  for (let i = nextContentLine(lines, 0); i < lines.length; i = nextContentLine(lines, parseBlockAt(lines, i, blocks)));
  return blocks;
}

/** Parses the one block that starts at non-blank line `start` into `blocks`; returns the line after it. */
function parseBlockAt(lines: readonly string[], start: number, blocks: BlockNode[]): number {
  let i = start;
  const line = lines[i] ?? '';
  const fence = FENCE_OPEN.exec(line);
  if (fence) {
    const marker = fence[1] ?? '```';
    const indent = line.length - line.trimStart().length;
    const body: string[] = [];
    let j = i + 1;
    let closed = false;
    for (; j < lines.length; j += 1) {
      const candidate = (lines[j] ?? '').trim();
      if (candidate.startsWith(marker) && /^([`~])\1*$/.test(candidate) && candidate[0] === marker[0]) {
        closed = true;
        break;
      }
      body.push((lines[j] ?? '').replace(new RegExp(`^ {0,${indent}}`), ''));
    }
    blocks.push({ type: 'codeBlock', language: fence[2] ?? '', code: body.join('\n'), closed });
    return closed ? j + 1 : j;
  }
  const heading = HEADING.exec(line);
  if (heading) {
    const level = (heading[1] ?? '#').length as 1 | 2 | 3 | 4 | 5 | 6;
    blocks.push({ type: 'heading', level, children: parseInline(heading[2] ?? '') });
    return i + 1;
  }
  if (RULE.test(line)) {
    blocks.push({ type: 'rule' });
    return i + 1;
  }
  if (QUOTE.test(line)) {
    const inner: string[] = [];
    while (i < lines.length && !isBlank(lines[i] ?? '')) {
      const match = QUOTE.exec(lines[i] ?? '');
      if (match) inner.push(match[1] ?? '');
      else if (startsBlock(lines[i] ?? '')) break;
      else inner.push(lines[i] ?? '');
      i += 1;
    }
    blocks.push({ type: 'quote', children: parseLines(inner) });
    return i;
  }
  if (LIST_ITEM.test(line)) {
    return parseList(lines, i, blocks);
  }
  const nextLine = lines[i + 1];
  if (line.includes('|') && nextLine !== undefined && TABLE_DELIMITER.test(nextLine) && nextLine.includes('-')) {
    const header = splitRow(line);
    const align = splitRow(nextLine).map(alignOf);
    const rows: string[][] = [];
    i += 2;
    while (i < lines.length && !isBlank(lines[i] ?? '') && (lines[i] ?? '').includes('|')) {
      rows.push(splitRow(lines[i] ?? ''));
      i += 1;
    }
    const width = header.length;
    blocks.push({
      type: 'table',
      align: Array.from({ length: width }, (_, c) => align[c] ?? null),
      header: header.map((cell) => parseInline(cell)),
      rows: rows.map((row) => Array.from({ length: width }, (_, c) => parseInline(row[c] ?? ''))),
    });
    return i;
  }
  const paragraph: string[] = [];
  while (i < lines.length && !isBlank(lines[i] ?? '') && (paragraph.length === 0 || !startsBlock(lines[i] ?? ''))) {
    paragraph.push((lines[i] ?? '').trim());
    i += 1;
  }
  blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n')) });
  return i;
}

/** Collects one list starting at `start`; returns the index of the first line after it. */
function parseList(lines: readonly string[], start: number, out: BlockNode[]): number {
  const first = LIST_ITEM.exec(lines[start] ?? '');
  const ordered = /\d/.test(first?.[2] ?? '');
  const startNumber = ordered ? Number.parseInt(first?.[2] ?? '1', 10) : 1;
  const items: string[][] = [];
  let i = start;
  let contentIndent = 0;
  let previousBlank = false;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const item = LIST_ITEM.exec(line);
    const indent = line.length - line.trimStart().length;
    if (item && indent < contentIndent + (items.length === 0 ? 4 : 0) && /\d/.test(item[2] ?? '') === ordered) {
      contentIndent = (item[1] ?? '').length + (item[2] ?? '').length + Math.min((item[3] ?? ' ').length, 4);
      items.push([item[4] ?? '']);
      previousBlank = false;
      i += 1;
      continue;
    }
    if (isBlank(line)) {
      const following = lines[i + 1];
      const followingEndsList =
        following === undefined ||
        ((isBlank(following) || following.length - following.trimStart().length < contentIndent) && !LIST_ITEM.test(following));
      if (followingEndsList) break;
      items[items.length - 1]?.push('');
      previousBlank = true;
      i += 1;
      continue;
    }
    if (indent >= contentIndent) {
      items[items.length - 1]?.push(line.slice(contentIndent));
    } else if (!previousBlank && !startsBlock(line)) {
      items[items.length - 1]?.push(line.trim());
    } else break;
    previousBlank = false;
    i += 1;
  }
  out.push({ type: 'list', ordered, start: startNumber, items: items.map((itemLines) => parseLines(itemLines)) });
  return i;
}

/**
 * Inline Markdown: code spans, strong, emphasis, strikethrough, links, bare URLs and line breaks.
 * Unmatched delimiters stay literal text, which is what a reply still streaming in needs.
 */
import type { InlineNode } from './markdown-ast.ts';

const ESCAPABLE = new Set('\\`*_{}[]()#+-.!|~>'.split(''));
const BARE_URL = /^https?:\/\/[^\s<>"'`]+/;

/** Only web and mail links are kept; anything else (javascript:, data:, file:) becomes plain text. */
export function safeHref(raw: string): string | null {
  const href = raw.trim();
  return /^(https?:\/\/|mailto:)[^\s]+$/i.test(href) ? href : null;
}

function isSpace(ch: string | undefined): boolean {
  return ch === undefined || /\s/.test(ch);
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

/** Finds the closing delimiter for an opener at `from`, or -1. The closer must not follow whitespace. */
function findCloser(text: string, delimiter: string, from: number): number {
  let j = text.indexOf(delimiter, from);
  while (j !== -1) {
    const before = text[j - 1];
    const after = text[j + delimiter.length];
    const intraword = delimiter[0] === '_' && isWordChar(after);
    const doubledSingle = delimiter.length === 1 && text[j + 1] === delimiter && text[j - 1] !== delimiter;
    if (j > from && !isSpace(before) && !intraword && !doubledSingle) return j;
    j = text.indexOf(delimiter, j + 1);
  }
  return -1;
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

function trimTrailingPunctuation(url: string): string {
  let end = url.length;
  while (end > 0 && /[.,;:!?)\]]/.test(url[end - 1] ?? '')) {
    const head = url.slice(0, end);
    if (head.endsWith(')') && count(head, '(') >= count(head, ')')) break;
    end -= 1;
  }
  return url.slice(0, end);
}

/** Parses one block's inline content into nodes. */
export function parseInline(text: string): InlineNode[] {
  const nodes: InlineNode[] = [];
  let buffer = '';
  const flush = (): void => {
    if (buffer) nodes.push({ type: 'text', text: buffer });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    const next = text[i + 1];

    if (ch === '\\' && next !== undefined && ESCAPABLE.has(next)) {
      buffer += next;
      i += 2;
      continue;
    }
    if (ch === '\n') {
      flush();
      nodes.push({ type: 'break' });
      i += 1;
      continue;
    }
    if (ch === '`') {
      let run = 1;
      while (text[i + run] === '`') run += 1;
      const fence = '`'.repeat(run);
      const close = text.indexOf(fence, i + run);
      if (close !== -1) {
        flush();
        let code = text.slice(i + run, close).replace(/\n/g, ' ');
        if (code.length > 1 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
        nodes.push({ type: 'code', text: code });
        i = close + run;
        continue;
      }
      buffer += fence;
      i += run;
      continue;
    }
    const pair = text.slice(i, i + 2);
    if (pair === '**' || pair === '__' || pair === '~~') {
      const leftFlanking = !isSpace(text[i + 2]) && !(pair === '__' && isWordChar(text[i - 1]));
      const close = leftFlanking ? findCloser(text, pair, i + 2) : -1;
      if (close !== -1) {
        flush();
        const children = parseInline(text.slice(i + 2, close));
        nodes.push(pair === '~~' ? { type: 'strike', children } : { type: 'strong', children });
        i = close + 2;
        continue;
      }
      buffer += pair;
      i += 2;
      continue;
    }
    if (ch === '*' || ch === '_') {
      const leftFlanking = !isSpace(next) && !(ch === '_' && isWordChar(text[i - 1]));
      const close = leftFlanking ? findCloser(text, ch, i + 1) : -1;
      if (close !== -1) {
        flush();
        nodes.push({ type: 'emphasis', children: parseInline(text.slice(i + 1, close)) });
        i = close + 1;
        continue;
      }
    }
    if (ch === '[') {
      const link = matchLink(text, i);
      if (link) {
        flush();
        const children = parseInline(link.label);
        const href = safeHref(link.href);
        if (href) nodes.push({ type: 'link', href, children });
        else nodes.push(...children);
        i = link.end;
        continue;
      }
    }
    if ((ch === 'h' || ch === 'H') && !isWordChar(text[i - 1])) {
      const match = BARE_URL.exec(text.slice(i));
      if (match) {
        const url = trimTrailingPunctuation(match[0]);
        flush();
        nodes.push({ type: 'link', href: url, children: [{ type: 'text', text: url }] });
        i += url.length;
        continue;
      }
    }
    buffer += ch;
    i += 1;
  }
  flush();
  return nodes;
}

function matchLink(text: string, start: number): { label: string; href: string; end: number } | null {
  let depth = 0;
  for (let j = start; j < text.length; j += 1) {
    const c = text[j];
    if (c === '\\') {
      j += 1;
      continue;
    }
    if (c === '[') depth += 1;
    if (c === ']') {
      depth -= 1;
      if (depth === 0) {
        if (text[j + 1] !== '(') return null;
        const close = text.indexOf(')', j + 2);
        if (close === -1) return null;
        const target = text.slice(j + 2, close).trim().split(/\s+/)[0] ?? '';
        return { label: text.slice(start + 1, j), href: target.replace(/^<|>$/g, ''), end: close + 1 };
      }
    }
  }
  return null;
}

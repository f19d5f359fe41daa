/**
 * The Markdown subset the chat renders, as plain data. The parser produces these nodes and the renderer
 * turns them into React elements; no HTML string is ever built, so model output cannot inject markup.
 */

export type InlineNode =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'code'; readonly text: string }
  | { readonly type: 'strong'; readonly children: readonly InlineNode[] }
  | { readonly type: 'emphasis'; readonly children: readonly InlineNode[] }
  | { readonly type: 'strike'; readonly children: readonly InlineNode[] }
  /** `href` is already vetted: only http(s) and mailto links survive parsing. */
  | { readonly type: 'link'; readonly href: string; readonly children: readonly InlineNode[] }
  | { readonly type: 'break' };

export type TableAlign = 'left' | 'center' | 'right' | null;

export type BlockNode =
  | { readonly type: 'paragraph'; readonly children: readonly InlineNode[] }
  | { readonly type: 'heading'; readonly level: 1 | 2 | 3 | 4 | 5 | 6; readonly children: readonly InlineNode[] }
  /** `closed` is false while a streamed reply is still inside the fence. */
  | { readonly type: 'codeBlock'; readonly language: string; readonly code: string; readonly closed: boolean }
  | { readonly type: 'list'; readonly ordered: boolean; readonly start: number; readonly items: readonly (readonly BlockNode[])[] }
  | { readonly type: 'quote'; readonly children: readonly BlockNode[] }
  | { readonly type: 'rule' }
  | {
      readonly type: 'table';
      readonly align: readonly TableAlign[];
      readonly header: readonly (readonly InlineNode[])[];
      readonly rows: readonly (readonly (readonly InlineNode[])[])[];
    };

/**
 * Renders Markdown as React elements built from the parsed tree. Text is only ever passed as React
 * children (escaped by React); links are vetted by the parser and open outside the app.
 */
import { Fragment, memo, useMemo, type ReactNode } from 'react';
import { CopyButton } from '../components/common/copy-button.tsx';
import type { BlockNode, InlineNode } from './markdown-ast.ts';
import { parseMarkdownBlocks } from './parse-markdown.ts';

export function renderInline(nodes: readonly InlineNode[]): ReactNode[] {
  return nodes.map((node, index) => {
    switch (node.type) {
      case 'text':
        return <Fragment key={index}>{node.text}</Fragment>;
      case 'code':
        return <code key={index} className="md-code-inline">{node.text}</code>;
      case 'strong':
        return <strong key={index}>{renderInline(node.children)}</strong>;
      case 'emphasis':
        return <em key={index}>{renderInline(node.children)}</em>;
      case 'strike':
        return <del key={index}>{renderInline(node.children)}</del>;
      case 'link':
        return (
          <a key={index} href={node.href} target="_blank" rel="noopener noreferrer">
            {renderInline(node.children)}
          </a>
        );
      case 'break':
        return <br key={index} />;
    }
  });
}

/** A fenced code block with its language label and a copy button. */
export function CodeBlock({ language, code, closed }: { language: string; code: string; closed: boolean }) {
  return (
    <div className="md-code-block" data-testid="code-block">
      <div className="md-code-header">
        <span className="md-code-language">{language || 'text'}</span>
        <CopyButton text={code} label="Copy code" className="md-code-copy" disabled={!closed && code === ''} />
      </div>
      <pre>
        <code>{code}</code>
      </pre>
    </div>
  );
}

function renderBlocks(blocks: readonly BlockNode[]): ReactNode[] {
  return blocks.map((block, index) => renderBlock(block, index));
}

function renderBlock(block: BlockNode, index: number): ReactNode {
  switch (block.type) {
    case 'paragraph':
      return <p key={index}>{renderInline(block.children)}</p>;
    case 'heading': {
      const Tag = `h${block.level}` as const;
      return <Tag key={index}>{renderInline(block.children)}</Tag>;
    }
    case 'codeBlock':
      return <CodeBlock key={index} language={block.language} code={block.code} closed={block.closed} />;
    case 'list': {
      const items = block.items.map((item, itemIndex) => <li key={itemIndex}>{renderBlocks(item)}</li>);
      return block.ordered ? (
        <ol key={index} start={block.start}>
          {items}
        </ol>
      ) : (
        <ul key={index}>{items}</ul>
      );
    }
    case 'quote':
      return <blockquote key={index}>{renderBlocks(block.children)}</blockquote>;
    case 'rule':
      return <hr key={index} />;
    case 'table':
      return (
        <div key={index} className="md-table-wrap">
          <table>
            <thead>
              <tr>
                {block.header.map((cell, c) => (
                  <th key={c} style={{ textAlign: block.align[c] ?? undefined }}>
                    {renderInline(cell)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, c) => (
                    <td key={c} style={{ textAlign: block.align[c] ?? undefined }}>
                      {renderInline(cell)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
  }
}

/** One top-level block; re-renders only when its source text changed (a streamed reply grows at its end). */
const SourcedBlockView = memo(
  function SourcedBlockView({ block }: { block: BlockNode; source: string }) {
    return renderBlock(block, 0);
  },
  (before, after) => before.source === after.source,
);

/** Markdown text → rendered reply. Re-parses when the text changes; unchanged blocks keep their DOM. */
export function MarkdownView({ source }: { source: string }) {
  const blocks = useMemo(() => parseMarkdownBlocks(source), [source]);
  return (
    <div className="markdown">
      {blocks.map((sourced, index) => (
        <SourcedBlockView key={index} block={sourced.block} source={sourced.source} />
      ))}
    </div>
  );
}

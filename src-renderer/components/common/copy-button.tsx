/** A button that copies a text to the clipboard and says "Copied" for a moment. */
import { useEffect, useRef, useState } from 'react';

export interface CopyButtonProps {
  readonly text: string;
  /** Accessible name, e.g. "Copy code". */
  readonly label: string;
  readonly className?: string;
  readonly disabled?: boolean;
  readonly testId?: string;
}

export function CopyButton({ text, label, className = 'button small', disabled, testId }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const copy = (): void => {
    void navigator.clipboard?.writeText(text).then(
      () => {
        setCopied(true);
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => setCopied(false), 1500);
      },
      () => setCopied(false),
    );
  };
  return (
    <button type="button" className={className} onClick={copy} aria-label={label} disabled={disabled} data-testid={testId}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

/** A whole-number setting typed as text and saved on blur or Enter; anything out of range goes back to the saved value. */
import { useEffect, useState, type ReactNode } from 'react';

export interface IntegerFieldProps {
  readonly id: string;
  readonly testId: string;
  readonly label: ReactNode;
  readonly hint: ReactNode;
  readonly value: number;
  readonly min: number;
  readonly max: number;
  onSave(value: number): void;
}

export function IntegerField({ id, testId, label, hint, value, min, max, onSave }: IntegerFieldProps) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const commit = (): void => {
    const typed = Number(text);
    if (text.trim() === '' || !Number.isInteger(typed) || typed < min || typed > max) return setText(String(value));
    if (typed !== value) onSave(typed);
  };
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
        <span className="faint field-hint">{hint}</span>
      </label>
      <input
        id={id}
        className="input number-input"
        inputMode="numeric"
        data-testid={testId}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => event.key === 'Enter' && commit()}
      />
    </div>
  );
}

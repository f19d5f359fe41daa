/**
 * Generation settings editor (temperature, top-p, top-k, min-p, max tokens, repetition penalty, seed),
 * used per conversation in the chat panel and for the defaults in Settings. Each field commits on blur,
 * Enter or slider release, clamped to the contract's ranges.
 */
import { useEffect, useState } from 'react';
import type { SamplingParams } from '../../../src-main/contract/domain.ts';
import type { SamplingPatch } from '../../../src-main/contract/sampling-patch.ts';

interface FieldSpec {
  readonly key: Exclude<keyof SamplingParams, 'stop' | 'seed'>;
  readonly label: string;
  readonly hint: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly slider: boolean;
}

const FIELDS: readonly FieldSpec[] = [
  { key: 'temperature', label: 'Temperature', hint: '0 = always the most likely token', min: 0, max: 2, step: 0.05, slider: true },
  { key: 'topP', label: 'Top-p', hint: '1 = off', min: 0, max: 1, step: 0.01, slider: true },
  { key: 'topK', label: 'Top-k', hint: '0 = off', min: 0, max: 200, step: 1, slider: true },
  { key: 'minP', label: 'Min-p', hint: '0 = off', min: 0, max: 1, step: 0.01, slider: true },
  { key: 'repetitionPenalty', label: 'Repetition penalty', hint: '1 = off', min: 1, max: 2, step: 0.01, slider: true },
  { key: 'maxTokens', label: 'Max tokens', hint: 'Longest reply', min: 1, max: 32768, step: 1, slider: false },
];

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function NumberField({ spec, value, onCommit }: { spec: FieldSpec; value: number; onCommit: (value: number) => void }) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const commit = (raw: string): void => {
    const parsed = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(parsed)) {
      setText(String(value));
      return;
    }
    const next = clamp(spec.step === 1 ? Math.round(parsed) : parsed, spec.min, spec.max);
    setText(String(next));
    if (next !== value) onCommit(next);
  };
  const id = `sampling-${spec.key}`;
  return (
    <div className="field sampling-field">
      <label htmlFor={id} className="field-label">
        {spec.label}
        <span className="faint field-hint">{spec.hint}</span>
      </label>
      <div className="field-row">
        {spec.slider ? (
          <input
            type="range"
            className="range"
            aria-label={`${spec.label} slider`}
            min={spec.min}
            max={spec.max}
            step={spec.step}
            value={clamp(Number(text) || 0, spec.min, spec.max)}
            onChange={(event) => setText(event.target.value)}
            onPointerUp={(event) => commit(event.currentTarget.value)}
            onKeyUp={(event) => commit(event.currentTarget.value)}
          />
        ) : null}
        <input
          id={id}
          className="input number-input"
          inputMode="decimal"
          data-testid={id}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onBlur={(event) => commit(event.target.value)}
          onKeyDown={(event) => event.key === 'Enter' && commit(event.currentTarget.value)}
        />
      </div>
    </div>
  );
}

function SeedField({ value, onCommit }: { value: number | undefined; onCommit: (seed: number | null) => void }) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => setText(value === undefined ? '' : String(value)), [value]);
  const commit = (): void => {
    const trimmed = text.trim();
    if (trimmed === '') {
      if (value !== undefined) onCommit(null);
      return;
    }
    const parsed = Number(trimmed);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 2 ** 32 - 1) {
      setText(value === undefined ? '' : String(value));
      return;
    }
    if (parsed !== value) onCommit(parsed);
  };
  return (
    <div className="field sampling-field">
      <label htmlFor="sampling-seed" className="field-label">
        Seed
        <span className="faint field-hint">Empty = random each time</span>
      </label>
      <input
        id="sampling-seed"
        className="input"
        inputMode="numeric"
        data-testid="sampling-seed"
        placeholder="random"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => event.key === 'Enter' && commit()}
      />
    </div>
  );
}

export function SamplingFields({ value, onChange }: { value: SamplingParams; onChange: (patch: SamplingPatch) => void }) {
  return (
    <div className="sampling-fields">
      {FIELDS.map((spec) => (
        <NumberField key={spec.key} spec={spec} value={value[spec.key]} onCommit={(next) => onChange({ [spec.key]: next })} />
      ))}
      <SeedField value={value.seed} onCommit={(seed) => onChange({ seed })} />
    </div>
  );
}

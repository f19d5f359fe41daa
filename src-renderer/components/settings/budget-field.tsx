/**
 * The memory budget: a log-scale slider and a MiB box. While the user moves either, the engine host
 * estimates how many context tokens fit; the value is saved on release, blur or Enter.
 */
import { useEffect, useState } from 'react';
import { MEMORY_BUDGET_RANGE } from '../../../src-main/contract/ipc.ts';
import { useApp } from '../../store/app-store.ts';
import { commitBudget, previewBudget } from '../../store/settings-actions.ts';
import { formatBytes, formatCount } from '../common/format.ts';

const MIB = 2 ** 20;
const MIN_MIB = MEMORY_BUDGET_RANGE.min / MIB;
const MAX_MIB = MEMORY_BUDGET_RANGE.max / MIB;
/** Slider positions per doubling of the budget. */
const STEPS_PER_DOUBLING = 8;

const toSlider = (mib: number): number => Math.round(Math.log2(mib) * STEPS_PER_DOUBLING);
const fromSlider = (position: number): number => Math.round(2 ** (position / STEPS_PER_DOUBLING));
const clampMib = (mib: number): number => Math.min(MAX_MIB, Math.max(MIN_MIB, Math.round(mib)));

export function BudgetField() {
  const saved = useApp((s) => s.settings.view?.settings.memoryBudgetBytes ?? null);
  const draft = useApp((s) => s.settings.budgetDraft);
  const estimate = useApp((s) => s.settings.estimate);
  const shownBytes = draft ?? saved ?? MEMORY_BUDGET_RANGE.min;
  const [text, setText] = useState(String(Math.round(shownBytes / MIB)));
  useEffect(() => setText(String(Math.round(shownBytes / MIB))), [shownBytes]);

  const preview = (mib: number): void => void previewBudget(clampMib(mib) * MIB);
  const commit = (): void => void commitBudget();

  const fits = estimate && estimate.memoryBudgetBytes === shownBytes ? estimate.fitsTokens : null;
  return (
    <div className="field budget-field">
      <label className="field-label" htmlFor="budget-mib">
        Memory budget for the cache
        <span className="faint field-hint">KV cache, SSM state and meta tokens of the active model must fit in it</span>
      </label>
      <div className="field-row">
        <input
          type="range"
          className="range grow"
          aria-label="Memory budget slider"
          data-testid="budget-slider"
          min={toSlider(MIN_MIB)}
          max={toSlider(MAX_MIB)}
          step={1}
          value={toSlider(shownBytes / MIB)}
          onChange={(event) => preview(fromSlider(Number(event.target.value)))}
          onPointerUp={commit}
          onKeyUp={commit}
        />
        <input
          id="budget-mib"
          className="input number-input"
          inputMode="numeric"
          data-testid="budget-mib"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            const mib = Number(event.target.value);
            if (Number.isFinite(mib) && mib >= MIN_MIB) preview(mib);
          }}
          onBlur={() => {
            const mib = Number(text);
            if (Number.isFinite(mib) && mib > 0 && clampMib(mib) * MIB !== shownBytes) preview(mib);
            commit();
          }}
          onKeyDown={(event) => event.key === 'Enter' && event.currentTarget.blur()}
        />
        <span className="unit">MiB</span>
      </div>
      <div className="fits-line" aria-live="polite">
        {fits === null ? (
          <span className="faint">{estimate?.fitsTokens === null ? 'Load a model to see how much context fits.' : 'Estimating…'}</span>
        ) : (
          <span>
            Fits{' '}
            <strong data-testid="fits-tokens" data-value={fits}>
              {formatCount(fits)}
            </strong>{' '}
            tokens of context
            {estimate?.bytesPerToken ? (
              <span className="faint">
                {' '}
                · {formatBytes(estimate.fixedBytes ?? 0)} fixed + {formatBytes(estimate.bytesPerToken)} per token
              </span>
            ) : null}
          </span>
        )}
        {draft !== null && draft !== saved ? <span className="badge">Not saved yet</span> : null}
      </div>
    </div>
  );
}

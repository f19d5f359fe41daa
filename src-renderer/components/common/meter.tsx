/**
 * Horizontal meters: a single-value bar (progress, context use) and a stacked bar of categories
 * against a budget (cache bytes). Widths are set through CSSOM (`style` prop), which a strict CSP allows.
 */

export interface MeterProps {
  /** 0..1; values above 1 are drawn full and flagged. */
  readonly fraction: number;
  readonly tone?: 'accent' | 'warning' | 'danger' | 'success';
  readonly label: string;
  readonly testId?: string;
}

export function Meter({ fraction, tone = 'accent', label, testId }: MeterProps) {
  const clamped = Math.min(Math.max(fraction, 0), 1);
  return (
    <div
      className={`meter meter-${tone}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(clamped * 100)}
      data-testid={testId}
    >
      <div className="meter-fill" style={{ width: `${clamped * 100}%` }} />
    </div>
  );
}

export interface StackedSegment {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  /** CSS class giving the colour (cat-global, cat-sliding ...). */
  readonly className: string;
}

export function StackedMeter({ segments, total, label }: { segments: readonly StackedSegment[]; total: number; label: string }) {
  const scale = total > 0 ? total : Math.max(1, segments.reduce((sum, s) => sum + s.value, 0));
  return (
    <div className="meter stacked" role="img" aria-label={label}>
      {segments.map((segment) => (
        <div
          key={segment.key}
          className={`meter-segment ${segment.className}`}
          style={{ width: `${Math.min(100, (segment.value / scale) * 100)}%` }}
          title={segment.label}
        />
      ))}
    </div>
  );
}

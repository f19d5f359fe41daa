/**
 * How much of the context budget the next prompt takes (meta tokens, history, template and draft), with
 * a warning before sending would drop older turns.
 */
import type { DraftTokenCount } from '../../../src-main/contract/ipc.ts';
import { formatCount } from '../common/format.ts';
import { Meter } from '../common/meter.tsx';
import { WarningIcon } from '../common/icons.tsx';

/** Above this share of the budget the gauge turns amber. */
const WARN_FRACTION = 0.8;

export function ContextGauge({ count }: { count: DraftTokenCount | null }) {
  if (!count) return <span className="context-gauge faint">Context: –</span>;
  const fraction = count.maxContextTokens > 0 ? count.contextTokens / count.maxContextTokens : 0;
  const tone = count.wouldDrop ? 'danger' : fraction >= WARN_FRACTION ? 'warning' : 'accent';
  return (
    <span className="context-gauge" data-testid="context-gauge" data-would-drop={count.wouldDrop}>
      {count.wouldDrop ? (
        <span className="gauge-warning" data-testid="drop-warning">
          <WarningIcon /> Sending will leave out the oldest messages
        </span>
      ) : fraction >= WARN_FRACTION ? (
        <span className="gauge-warning amber">
          <WarningIcon /> Context almost full
        </span>
      ) : null}
      <span className="gauge-text" title="Context positions used by the next prompt / the most the memory budget allows">
        {formatCount(count.contextTokens)} / {formatCount(count.maxContextTokens)} tokens
      </span>
      <Meter fraction={fraction} tone={tone} label="Context used" />
    </span>
  );
}

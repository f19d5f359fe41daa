/** Details of one model: architecture facts and the per-layer cache map. */
import { useApp } from '../../store/app-store.ts';
import { showModelDetails, startImport } from '../../store/models-actions.ts';
import { isImportRunning } from '../../store/models-slice.ts';
import { formatBytes, formatCount, formatParameters } from '../common/format.ts';
import { CloseIcon } from '../common/icons.tsx';
import { CacheMap } from './cache-map.tsx';

export function ModelDetailsPanel() {
  const details = useApp((s) => s.models.details);
  const importRunning = useApp((s) => isImportRunning(s.models));
  if (!details) {
    return (
      <section className="card details-panel" aria-busy="true">
        <p className="faint">Reading the model…</p>
      </section>
    );
  }
  const owners = details.layers.filter((l) => l.kv === 'owner');
  const globals = details.layers.filter((l) => l.attention === 'global' && l.kv === 'owner').length;
  const stateBytes = details.layers.reduce((sum, l) => sum + l.stateBytes, 0);
  // Built-in models come from the project's own checkpoints, which a user does not have.
  const reconvertFrom = details.source === 'installed' ? details.sourceCheckpoint : undefined;
  const facts: [string, string][] = [
    ['Kind', details.kind === 'instruct' ? 'Instruct (chat template)' : 'Base (plain completion)'],
    ['Parameters', formatParameters(details.parameters)],
    ['Weights', `${details.weightFormat}, ${formatBytes(details.sizeBytes)}`],
    ['Layers', `${details.layers.length} (${globals} global, ${owners.length - globals} sliding-window KV owners, ${details.layers.length - owners.length} sharing)`],
    ['Hidden size', formatCount(details.hiddenSize)],
    ['Vocabulary', formatCount(details.vocabSize)],
    ['Meta tokens', formatCount(details.metaTokens)],
    ['Sliding window', `${formatCount(details.slidingWindow)} tokens`],
    ['Max positions', formatCount(details.maxPositionEmbeddings)],
    ['Cache per token', formatBytes(details.cacheBytesPerToken)],
    ['Fixed state', formatBytes(stateBytes)],
  ];
  return (
    <section className="card details-panel" data-testid="model-details" data-model-id={details.id} aria-label={`Details of ${details.displayName}`}>
      <header className="details-header">
        <h2>{details.displayName}</h2>
        <button type="button" className="icon-button" aria-label="Close details" onClick={() => void showModelDetails(null)}>
          <CloseIcon />
        </button>
      </header>
      <dl className="facts">
        {facts.map(([label, value]) => (
          <div key={label} className="fact">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {details.outdatedGraph ? (
        <div className="notice warning outdated-graph" data-testid="outdated-graph">
          <span>{details.outdatedGraph}</span>
          {reconvertFrom ? (
            <button
              type="button"
              className="button small"
              data-testid="convert-again"
              disabled={importRunning}
              title={`Import ${reconvertFrom} again as a new model`}
              onClick={() => void startImport({ sourceDir: reconvertFrom, displayName: details.displayName, weightFormat: details.weightFormat })}
            >
              Convert again
            </button>
          ) : null}
        </div>
      ) : null}
      <h3>Cache map</h3>
      <CacheMap layers={details.layers} metaTokens={details.metaTokens} slidingWindow={details.slidingWindow} />
      <p className="faint small-note mono">{details.packageDir}</p>
      {reconvertFrom ? <p className="faint small-note mono">converted from {reconvertFrom}</p> : null}
    </section>
  );
}

/**
 * The per-layer cache map of a model: one column per layer and one row per kind of state.
 *   Attention KV: global (grows with context) | sliding window (bounded) | shared (reads another layer's KV)
 *   Meta tokens:  the meta-token prefix kept at the front of every KV-owning layer's cache
 *   SSM state:    Mamba conv + SSM state, constant size, in every layer
 */
import type { CacheLayerInfo } from '../../../src-main/contract/domain.ts';
import { formatBytes } from '../common/format.ts';

function kvClass(layer: CacheLayerInfo): string {
  if (layer.kv === 'shared') return 'cat-shared';
  return layer.attention === 'global' ? 'cat-global' : 'cat-sliding';
}

function kvTitle(layer: CacheLayerInfo, slidingWindow: number): string {
  if (layer.kv === 'shared') return `Layer ${layer.layer}: shares the K/V of layer ${layer.kvSourceLayer}; stores none`;
  const reach = layer.attention === 'global' ? 'global attention, grows with the context' : `sliding window of ${slidingWindow} tokens`;
  return `Layer ${layer.layer}: ${reach}; ${formatBytes(layer.kvBytesPerToken)} per token`;
}

const LEGEND = [
  { className: 'cat-global', label: 'Global attention KV' },
  { className: 'cat-sliding', label: 'Sliding-window KV' },
  { className: 'cat-shared', label: 'Shared KV (no storage)' },
  { className: 'cat-meta', label: 'Meta-token prefix' },
  { className: 'cat-ssm', label: 'SSM + conv state' },
];

export function CacheMap({ layers, metaTokens, slidingWindow }: { layers: readonly CacheLayerInfo[]; metaTokens: number; slidingWindow: number }) {
  const columns = { gridTemplateColumns: `7.5rem repeat(${layers.length}, minmax(14px, 1fr))` };
  return (
    <div className="cache-map" data-testid="cache-map">
      <div className="cache-map-grid" style={columns} role="table" aria-label="Per-layer cache map">
        <div className="cache-map-rowlabel" role="rowheader">
          Layer
        </div>
        {layers.map((layer) => (
          <div key={`n${layer.layer}`} className="cache-map-index" role="columnheader">
            {layer.layer}
          </div>
        ))}
        <div className="cache-map-rowlabel" role="rowheader">
          Attention KV
        </div>
        {layers.map((layer) => (
          <div
            key={`kv${layer.layer}`}
            className={`cache-cell ${kvClass(layer)}`}
            data-testid="cache-cell"
            data-kind={layer.kv === 'shared' ? 'shared' : layer.attention}
            title={kvTitle(layer, slidingWindow)}
          >
            {layer.kv === 'shared' ? <span className="cache-cell-arrow">←{layer.kvSourceLayer}</span> : null}
          </div>
        ))}
        <div className="cache-map-rowlabel" role="rowheader">
          Meta tokens
        </div>
        {layers.map((layer) => (
          <div
            key={`m${layer.layer}`}
            className={`cache-cell ${layer.kv === 'owner' ? 'cat-meta' : 'cache-cell-empty'}`}
            title={layer.kv === 'owner' ? `Layer ${layer.layer}: keeps the ${metaTokens} meta tokens at the front of its cache` : `Layer ${layer.layer}: none`}
          />
        ))}
        <div className="cache-map-rowlabel" role="rowheader">
          SSM state
        </div>
        {layers.map((layer) => (
          <div key={`s${layer.layer}`} className="cache-cell cat-ssm" title={`Layer ${layer.layer}: ${formatBytes(layer.stateBytes)} of SSM and conv state`} />
        ))}
      </div>
      <div className="legend">
        {LEGEND.map((item) => (
          <span key={item.className} className="legend-item">
            <span className={`legend-swatch ${item.className}`} />
            {item.label}
          </span>
        ))}
      </div>
    </div>
  );
}

/** Cache bytes by category against the memory budget, and the total over time. */
import type { MetricsSnapshot } from '../../../src-main/contract/ipc.ts';
import { niceByteTicks } from '../../charts/chart-scale.ts';
import { TimeSeriesChart } from '../../charts/time-series-chart.tsx';
import { useApp } from '../../store/app-store.ts';
import { DASHBOARD_WINDOW_MS } from '../../store/dashboard-slice.ts';
import { formatBytes, formatPercent } from '../common/format.ts';
import { StackedMeter, type StackedSegment } from '../common/meter.tsx';

export function CachePanel({ snapshot }: { snapshot: MetricsSnapshot }) {
  const history = useApp((s) => s.dashboard.cacheHistory);
  const cache = snapshot.cache;
  const segments: StackedSegment[] = [
    { key: 'global', label: `Global KV ${formatBytes(cache.globalKv)}`, value: cache.globalKv, className: 'cat-global' },
    { key: 'sliding', label: `Sliding-window KV ${formatBytes(cache.slidingKv)}`, value: cache.slidingKv, className: 'cat-sliding' },
    { key: 'ssm', label: `SSM state ${formatBytes(cache.ssm)}`, value: cache.ssm, className: 'cat-ssm' },
    { key: 'conv', label: `Conv state ${formatBytes(cache.conv)}`, value: cache.conv, className: 'cat-conv' },
  ];
  const rows: [string, number, string][] = [
    ['Global attention KV', cache.globalKv, 'cat-global'],
    ['Sliding-window KV', cache.slidingKv, 'cat-sliding'],
    ['SSM state', cache.ssm, 'cat-ssm'],
    ['Conv state', cache.conv, 'cat-conv'],
    ['of which meta tokens', cache.meta, 'cat-meta'],
  ];
  return (
    <section className="card dash-card wide" aria-label="Cache">
      <header className="dash-card-header">
        <h2>Cache</h2>
        <span className="muted">
          <strong data-testid="cache-total" data-value={cache.total}>
            {formatBytes(cache.total)}
          </strong>{' '}
          of {formatBytes(snapshot.budgetBytes)} budget ({formatPercent(snapshot.budgetBytes > 0 ? cache.total / snapshot.budgetBytes : 0)})
        </span>
      </header>
      <StackedMeter segments={segments} total={snapshot.budgetBytes} label="Cache bytes by category against the budget" />
      <div className="cache-split">
        <table className="cache-table">
          <tbody>
            {rows.map(([label, bytes, className]) => (
              <tr key={label}>
                <td>
                  <span className={`legend-swatch ${className}`} /> {label}
                </td>
                <td className="num">{formatBytes(bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <TimeSeriesChart
          label="Cache bytes over time"
          testId="cache-chart"
          unit="bytes"
          formatValue={formatBytes}
          ticksFor={niceByteTicks}
          now={snapshot.at}
          windowMs={DASHBOARD_WINDOW_MS}
          series={[{ name: 'Cache total', className: 'series-a', points: history }]}
        />
      </div>
    </section>
  );
}

/**
 * The live dashboard: throughput, cache against the budget, context use, time to first token, and the
 * engine process. Everything shown comes from the host's metrics ticks (≥1/s while generating).
 */
import { useEffect } from 'react';
import type { MetricsSnapshot } from '../../../src-main/contract/ipc.ts';
import { TimeSeriesChart } from '../../charts/time-series-chart.tsx';
import { useApp } from '../../store/app-store.ts';
import { refreshMetrics } from '../../store/dashboard-actions.ts';
import { DASHBOARD_WINDOW_MS } from '../../store/dashboard-slice.ts';
import { formatBytes, formatCount, formatMs, formatPercent, formatRate } from '../common/format.ts';
import { Meter } from '../common/meter.tsx';
import { CachePanel } from './cache-panel.tsx';

/** The rates to headline: the running request's, else the newest sample, else the last finished request. */
function currentRates(snapshot: MetricsSnapshot): { prefill: number; decode: number } {
  const live = snapshot.current?.metrics;
  if (live) return { prefill: live.prefillTokensPerSec, decode: live.decodeTokensPerSec };
  const last = snapshot.recent[snapshot.recent.length - 1]?.metrics;
  if (last) return { prefill: last.prefillTokensPerSec, decode: last.decodeTokensPerSec };
  const sample = snapshot.series[snapshot.series.length - 1];
  return { prefill: sample?.prefillTokensPerSec ?? 0, decode: sample?.decodeTokensPerSec ?? 0 };
}

function Stat({ label, value, testId, data }: { label: string; value: string; testId?: string; data?: number }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId} data-value={data}>
        {value}
      </div>
    </div>
  );
}

function Throughput({ snapshot }: { snapshot: MetricsSnapshot }) {
  const rates = currentRates(snapshot);
  const prefill = snapshot.series.map((s) => ({ t: s.at, v: s.prefillTokensPerSec }));
  const decode = snapshot.series.map((s) => ({ t: s.at, v: s.decodeTokensPerSec }));
  return (
    <section className="card dash-card wide" aria-label="Throughput">
      <header className="dash-card-header">
        <h2>Throughput</h2>
        {snapshot.current ? <span className="badge accent live-dot">Generating</span> : <span className="badge">Idle</span>}
      </header>
      <div className="stats-row">
        <Stat label="Decode" value={`${formatRate(rates.decode)} tok/s`} testId="decode-tps" data={rates.decode} />
        <Stat label="Prefill" value={`${formatRate(rates.prefill)} tok/s`} testId="prefill-tps" data={rates.prefill} />
      </div>
      <TimeSeriesChart
        label="Prefill and decode tokens per second"
        testId="throughput-chart"
        unit="tokens / s"
        now={snapshot.at}
        windowMs={DASHBOARD_WINDOW_MS}
        series={[
          { name: 'Decode', className: 'series-a', points: decode },
          { name: 'Prefill', className: 'series-b', points: prefill },
        ]}
      />
    </section>
  );
}

function Context({ snapshot }: { snapshot: MetricsSnapshot }) {
  const history = useApp((s) => s.dashboard.contextHistory);
  const fraction = snapshot.maxContextTokens > 0 ? snapshot.contextTokens / snapshot.maxContextTokens : 0;
  return (
    <section className="card dash-card" aria-label="Context">
      <header className="dash-card-header">
        <h2>Context</h2>
      </header>
      <div className="big-number" data-testid="context-used" data-value={snapshot.contextTokens}>
        {formatCount(snapshot.contextTokens)} <span className="muted">/ {formatCount(snapshot.maxContextTokens)} tokens</span>
      </div>
      <Meter fraction={fraction} tone={fraction > 0.9 ? 'warning' : 'accent'} label="Context used" />
      <p className="faint small-note">
        Positions in the cache now (meta tokens included) and the most the memory budget allows. Peak in the last two minutes:{' '}
        {formatCount(Math.max(0, ...history.map((p) => p.v)))}.
      </p>
    </section>
  );
}

function Latency({ snapshot }: { snapshot: MetricsSnapshot }) {
  const recent = snapshot.recent.slice(-8);
  const slowest = Math.max(1, ...recent.map((r) => r.metrics.ttftMs));
  return (
    <section className="card dash-card" aria-label="Time to first token">
      <header className="dash-card-header">
        <h2>Time to first token</h2>
      </header>
      {recent.length === 0 ? <p className="faint">No requests yet.</p> : null}
      <ul className="ttft-list" data-testid="ttft-list">
        {recent.map((request) => (
          <li key={request.requestId}>
            <span className="ttft-bar-track">
              <span className="ttft-bar" style={{ width: `${(request.metrics.ttftMs / slowest) * 100}%` }} />
            </span>
            <span className="ttft-value">{formatMs(request.metrics.ttftMs)}</span>
            <span className="faint ttft-detail">
              {request.metrics.promptTokens} in · {request.metrics.generatedTokens} out
              {request.finishReason === 'cancelled' ? ' · stopped' : request.finishReason === 'failed' ? ' · failed' : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Engine({ snapshot }: { snapshot: MetricsSnapshot }) {
  const engine = snapshot.engine;
  return (
    <section className="card dash-card" aria-label="Engine">
      <header className="dash-card-header">
        <h2>Engine</h2>
        <span className={`badge ${engine.state === 'crashed' ? 'danger' : engine.state === 'generating' ? 'accent' : ''}`} data-testid="engine-state">
          {engine.state}
        </span>
      </header>
      <div className="stats-grid">
        <Stat label="Device" value={engine.device ?? '–'} testId="device-name" />
        <Stat label="Memory (RSS)" value={formatBytes(engine.rssBytes)} testId="engine-rss" data={engine.rssBytes} />
        <Stat label="CPU" value={formatPercent(engine.cpuPercent / 100)} testId="engine-cpu" data={engine.cpuPercent} />
        <Stat label="Process" value={engine.pid === null ? '–' : `pid ${engine.pid}${engine.restarts ? ` · ${engine.restarts} restarts` : ''}`} />
      </div>
      {engine.fallbackReason ? (
        <div className="notice warning" data-testid="fallback-reason">
          Fell back to {engine.device ?? 'another device'}: {engine.fallbackReason}
        </div>
      ) : null}
    </section>
  );
}

export function DashboardView() {
  const snapshot = useApp((s) => s.dashboard.snapshot);
  useEffect(() => {
    void refreshMetrics();
  }, []);
  return (
    <div className="page dashboard-view">
      <header className="page-header">
        <h1>Dashboard</h1>
        <p className="muted">Live from the engine: updated every second while a reply is generated.</p>
      </header>
      {!snapshot ? (
        <p className="faint">Waiting for the engine…</p>
      ) : (
        <div className="dash-grid">
          <Throughput snapshot={snapshot} />
          <CachePanel snapshot={snapshot} />
          <Context snapshot={snapshot} />
          <Latency snapshot={snapshot} />
          <Engine snapshot={snapshot} />
        </div>
      )}
    </div>
  );
}

/**
 * Dashboard slice: the newest metrics snapshot from the engine host and a short history of the cache
 * size (the throughput history comes with each snapshot).
 */
import type { MetricsSnapshot } from '../../src-main/contract/ipc.ts';
import type { ChartPoint } from '../charts/chart-scale.ts';

/** How much history the charts keep. */
export const DASHBOARD_WINDOW_MS = 60_000;

export interface DashboardState {
  readonly snapshot: MetricsSnapshot | null;
  /** Cache bytes over time (one point per tick). */
  readonly cacheHistory: readonly ChartPoint[];
  /** Context tokens over time. */
  readonly contextHistory: readonly ChartPoint[];
}

export const initialDashboardState = (): DashboardState => ({ snapshot: null, cacheHistory: [], contextHistory: [] });

function appendPoint(points: readonly ChartPoint[], point: ChartPoint): ChartPoint[] {
  return [...points.filter((p) => p.t >= point.t - DASHBOARD_WINDOW_MS && p.t < point.t), point];
}

export function snapshotReceived(state: DashboardState, snapshot: MetricsSnapshot): DashboardState {
  if (state.snapshot && snapshot.at < state.snapshot.at) return state;
  return {
    snapshot,
    cacheHistory: appendPoint(state.cacheHistory, { t: snapshot.at, v: snapshot.cache.total }),
    contextHistory: appendPoint(state.contextHistory, { t: snapshot.at, v: snapshot.contextTokens }),
  };
}

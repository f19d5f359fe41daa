/**
 * Pure geometry for the dashboard's SVG charts: "nice" axis ticks and polyline paths. No DOM, so it is
 * unit-tested directly.
 */

/** A sample of one series: time in ms (any monotonic origin) and a value. */
export interface ChartPoint {
  readonly t: number;
  readonly v: number;
}

/** Rounds `max` up to 1, 2, 2.5 or 5 × 10^k and returns evenly spaced ticks from 0 to it. */
export function niceTicks(max: number, count = 4): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1];
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let value = 0; value < max + step * 0.999; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

/** Like niceTicks, but in round KiB/MiB/GiB steps for byte values. */
export function niceByteTicks(max: number, count = 4): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1024];
  const unit = 1024 ** Math.max(0, Math.floor(Math.log(max) / Math.log(1024)));
  return niceTicks(max / unit, count).map((tick) => tick * unit);
}

export interface PlotBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * SVG path through the points that fall inside [tEnd - windowMs, tEnd], mapped into `box` with the value axis
 * running 0..yMax. Returns '' when fewer than one point is visible.
 */
export function linePath(points: readonly ChartPoint[], tEnd: number, windowMs: number, yMax: number, box: PlotBox): string {
  const tStart = tEnd - windowMs;
  const visible = points.filter((p) => p.t >= tStart && p.t <= tEnd);
  if (visible.length === 0 || yMax <= 0) return '';
  const x = (t: number): number => box.left + ((t - tStart) / windowMs) * box.width;
  const y = (v: number): number => box.top + box.height - (Math.min(Math.max(v, 0), yMax) / yMax) * box.height;
  return visible.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
}

/** Short number for axis labels: 1.2k, 35, 0.5. */
export function formatTick(value: number): string {
  if (value >= 1000) return `${Number((value / 1000).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

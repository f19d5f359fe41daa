/**
 * A small SVG line chart for live series (tokens/s over the last minute). Own drawing, no chart library.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { formatTick, linePath, niceTicks, type ChartPoint } from './chart-scale.ts';

export interface ChartSeries {
  readonly name: string;
  /** CSS class giving the stroke colour (see styles: .series-a, .series-b ...). */
  readonly className: string;
  readonly points: readonly ChartPoint[];
}

export interface TimeSeriesChartProps {
  readonly series: readonly ChartSeries[];
  readonly unit: string;
  /** End of the visible window (usually the newest sample time). */
  readonly now: number;
  readonly windowMs: number;
  readonly testId?: string;
  readonly label: string;
  /** Axis label formatter; defaults to short numbers (1.2k). */
  readonly formatValue?: (value: number) => string;
  /** Axis ticks for a peak value; defaults to round decimal steps. */
  readonly ticksFor?: (peak: number) => number[];
}

const DEFAULT_WIDTH = 640;
const HEIGHT = 200;

/** Tracks an element's width so the SVG is drawn 1:1 in CSS pixels (text never stretches). */
function useWidth(): [RefObject<HTMLElement | null>, number] {
  const ref = useRef<HTMLElement | null>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const measured = Math.round(entries[0]?.contentRect.width ?? 0);
      if (measured > 0) setWidth(measured);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export function TimeSeriesChart({ series, unit, now, windowMs, testId, label, formatValue = formatTick, ticksFor = niceTicks }: TimeSeriesChartProps) {
  const peak = Math.max(0, ...series.flatMap((s) => s.points.filter((p) => p.t >= now - windowMs).map((p) => p.v)));
  const ticks = ticksFor(peak || 1);
  const yMax = ticks[ticks.length - 1] ?? 1;
  const seconds = Math.round(windowMs / 1000);
  const [ref, WIDTH] = useWidth();
  const BOX = { left: 64, top: 12, width: Math.max(40, WIDTH - 76), height: HEIGHT - 40 };
  return (
    <figure className="chart" data-testid={testId} ref={ref}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={label}>
        {ticks.map((tick) => {
          const y = BOX.top + BOX.height - (tick / yMax) * BOX.height;
          return (
            <g key={tick} className="chart-grid">
              <line x1={BOX.left} x2={BOX.left + BOX.width} y1={y} y2={y} />
              <text x={BOX.left - 6} y={y + 4} textAnchor="end">
                {formatValue(tick)}
              </text>
            </g>
          );
        })}
        <text className="chart-axis-label" x={BOX.left} y={HEIGHT - 6}>
          −{seconds}s
        </text>
        <text className="chart-axis-label" x={BOX.left + BOX.width} y={HEIGHT - 6} textAnchor="end">
          now
        </text>
        {series.map((s) => (
          <path key={s.name} className={`chart-line ${s.className}`} d={linePath(s.points, now, windowMs, yMax, BOX)} />
        ))}
      </svg>
      <figcaption className="chart-legend">
        {series.map((s) => (
          <span key={s.name} className={`legend-item ${s.className}`}>
            <span className="legend-swatch" />
            {s.name}
          </span>
        ))}
        <span className="legend-unit">{unit}</span>
      </figcaption>
    </figure>
  );
}

/**
 * Two small self-contained SVG charts for the results (no dependencies): grouped bars and lines over a
 * linear x axis, each with a title, axis ticks, value labels and a legend.
 */

const WIDTH = 720;
const HEIGHT = 400;
const MARGIN = { top: 48, right: 24, bottom: 64, left: 76 };
const COLORS = ['#3b6fd8', '#e07b39', '#4a9e5c', '#9b59b6', '#7f8c8d'];

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A "nice" upper bound and tick step for values up to `max`. */
export function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

const formatTick = (value: number): string => (Math.abs(value) >= 1000 ? value.toLocaleString('en-US') : String(Number(value.toPrecision(3))));

function frame(title: string, yLabel: string, top: number, step: number, body: string[], legend: readonly string[]): string {
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const y = (v: number): number => MARGIN.top + plotH - (v / top) * plotH;
  const grid: string[] = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    grid.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e3e3e3"/>`);
    grid.push(`<text x="${MARGIN.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${formatTick(v)}</text>`);
  }
  const legendItems = legend.map((name, i) => `<rect x="${MARGIN.left + i * 190}" y="${HEIGHT - 20}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${MARGIN.left + i * 190 + 16}" y="${HEIGHT - 10}" font-size="12">${escapeXml(name)}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="16" y="${MARGIN.top + plotH / 2}" font-size="12" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})" text-anchor="middle">${escapeXml(yLabel)}</text>`,
    ...grid,
    ...body,
    ...legendItems,
    '</svg>',
    '',
  ].join('\n');
}

export interface BarGroup {
  readonly label: string;
  /** One value per series (null: no bar). */
  readonly values: readonly (number | null)[];
}

/** Grouped vertical bars with value labels. */
export function barChart(title: string, yLabel: string, series: readonly string[], groups: readonly BarGroup[]): string {
  const max = Math.max(0, ...groups.flatMap((g) => g.values.filter((v): v is number => v !== null)));
  const { top, step } = niceScale(max);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const groupW = plotW / Math.max(1, groups.length);
  const barW = Math.min(60, (groupW * 0.8) / Math.max(1, series.length));
  const body: string[] = [];
  groups.forEach((group, g) => {
    const start = MARGIN.left + g * groupW + (groupW - barW * series.length) / 2;
    group.values.forEach((value, s) => {
      if (value === null) return;
      const h = (value / top) * plotH;
      const x = start + s * barW;
      const y = MARGIN.top + plotH - h;
      body.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barW - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[s % COLORS.length]}"/>`);
      body.push(`<text x="${(x + (barW - 4) / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="11">${formatTick(value)}</text>`);
    });
    body.push(`<text x="${(MARGIN.left + (g + 0.5) * groupW).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle" font-size="12">${escapeXml(group.label)}</text>`);
  });
  return frame(title, yLabel, top, step, body, series);
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
  /** Draw a dot at each point (measured values). */
  readonly markers?: boolean;
}

/** Lines over a linear x axis (x ticks at the union of the points' x values). */
export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly LineSeries[]): string {
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const xMax = Math.max(1, ...xs);
  const { top, step } = niceScale(Math.max(0, ...series.flatMap((s) => s.points.map(([, y]) => y))));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x: number): number => MARGIN.left + (x / xMax) * plotW;
  const py = (y: number): number => MARGIN.top + plotH - (y / top) * plotH;
  const body: string[] = [];
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const path = s.points.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    body.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (s.markers) for (const [x, y] of s.points) body.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="4" fill="${color}"/>`);
  });
  for (const x of xs.filter((v) => v > 0)) body.push(`<text x="${px(x).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" font-size="11">${formatTick(x)}</text>`);
  body.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - MARGIN.bottom + 34}" text-anchor="middle" font-size="12">${escapeXml(xLabel)}</text>`);
  return frame(title, yLabel, top, step, body, series.map((s) => s.name));
}

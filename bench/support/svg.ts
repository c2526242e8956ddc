// Plain SVG charts, written by hand: grouped bars on a log scale and step lines. Enough for the
// bench figures; no plotting library.

export interface Series {
  name: string;
  colour: string;
}

export interface Panel {
  width: number;
  height: number;
  /** SVG elements drawn with the panel's top-left corner at (0, 0). */
  body: string;
}

const FONT = 'font-family="Helvetica, Arial, sans-serif"';
const MARGIN = { top: 40, right: 16, bottom: 64, left: 64 };

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function text(x: number, y: number, content: string, attrs = ''): string {
  const size = attrs.includes('font-size') ? '' : ' font-size="11"';
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT}${size} ${attrs}>${escapeXml(content)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, attrs = 'stroke="#999"'): string {
  return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" ${attrs}/>`;
}

function legend(series: readonly Series[], x: number, y: number, width: number): string {
  // Many names wrap into rows of columns at least 150 px wide, the last row at y.
  const perRow = series.length * 190 <= width - x ? series.length : Math.max(1, Math.floor((width - x) / 150));
  const spacing = Math.min(190, (width - x) / Math.max(1, perRow));
  const rows = Math.ceil(series.length / perRow);
  return series
    .map((s, i) => {
      const left = x + (i % perRow) * spacing;
      const top = y - (rows - 1 - Math.floor(i / perRow)) * 13;
      return `<rect x="${left}" y="${top - 9}" width="10" height="10" fill="${s.colour}"/>` + text(left + 14, top, s.name);
    })
    .join('');
}

/**
 * Bars per group and series on a log10 axis (0 drawn as a stub at the axis, labelled "0").
 * values[g][s] is group g, series s.
 */
export function groupedLogBars(options: {
  title: string;
  yLabel: string;
  groups: readonly string[];
  series: readonly Series[];
  values: readonly (readonly number[])[];
  width: number;
  height: number;
}): Panel {
  const { width, height, groups, series, values } = options;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const max = Math.max(10, ...values.flat());
  const decades = Math.ceil(Math.log10(max));
  const y = (v: number): number => MARGIN.top + plotH - (v <= 0 ? 0 : (Math.log10(Math.max(1, v)) / decades) * plotH);
  const parts: string[] = [text(MARGIN.left, 18, options.title, 'font-size="13" font-weight="bold"')];
  for (let d = 0; d <= decades; d++) {
    const at = y(10 ** d);
    parts.push(line(MARGIN.left, at, MARGIN.left + plotW, at, 'stroke="#e5e5e5"'));
    parts.push(text(MARGIN.left - 6, at + 4, (10 ** d).toLocaleString('en-US'), 'text-anchor="end"'));
  }
  parts.push(text(14, MARGIN.top + plotH / 2, options.yLabel, `text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})"`));
  const groupW = plotW / groups.length;
  const barW = (groupW * 0.8) / series.length;
  groups.forEach((group, g) => {
    const left = MARGIN.left + g * groupW + groupW * 0.1;
    series.forEach((s, i) => {
      const v = values[g]?.[i] ?? 0;
      const top = v > 0 ? y(v) : MARGIN.top + plotH - 2;
      const x = left + i * barW;
      parts.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(MARGIN.top + plotH - top).toFixed(1)}" fill="${s.colour}"><title>${escapeXml(`${group}, ${s.name}: ${v}`)}</title></rect>`);
      parts.push(text(x + (barW - 2) / 2, top - 3, v.toLocaleString('en-US'), 'text-anchor="middle" font-size="9"'));
    });
    parts.push(text(left + (groupW * 0.8) / 2, MARGIN.top + plotH + 16, group, 'text-anchor="middle"'));
  });
  parts.push(line(MARGIN.left, MARGIN.top + plotH, MARGIN.left + plotW, MARGIN.top + plotH, 'stroke="#333"'));
  parts.push(legend(series, MARGIN.left, height - 14, width));
  return { width, height, body: parts.join('\n') };
}

/** Lines of (x, y) points with y in [0, yMax], drawn as steps (a value holds until the next). */
export function stepLines(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly (Series & { points: readonly [number, number][] })[];
  xMax: number;
  yMax: number;
  yTicks: readonly number[];
  formatY: (v: number) => string;
  width: number;
  height: number;
}): Panel {
  const { width, height, xMax, yMax } = options;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const x = (v: number): number => MARGIN.left + (v / xMax) * plotW;
  const y = (v: number): number => MARGIN.top + plotH - (v / yMax) * plotH;
  const parts: string[] = [text(MARGIN.left, 18, options.title, 'font-size="13" font-weight="bold"')];
  for (const t of options.yTicks) {
    parts.push(line(MARGIN.left, y(t), MARGIN.left + plotW, y(t), 'stroke="#e5e5e5"'));
    parts.push(text(MARGIN.left - 6, y(t) + 4, options.formatY(t), 'text-anchor="end"'));
  }
  const xStep = xMax <= 20 ? 1 : xMax <= 60 ? 5 : 10;
  for (let t = 0; t <= xMax; t += xStep) parts.push(text(x(t), MARGIN.top + plotH + 14, String(t), 'text-anchor="middle"'));
  parts.push(text(MARGIN.left + plotW / 2, MARGIN.top + plotH + 30, options.xLabel, 'text-anchor="middle"'));
  parts.push(text(14, MARGIN.top + plotH / 2, options.yLabel, `text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})"`));
  // The first series is drawn last, on top.
  for (const s of [...options.series].reverse()) {
    const d: string[] = [];
    s.points.forEach(([px, py], i) => {
      const next = s.points[i + 1];
      d.push(`${i === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`);
      d.push(`L${x(next ? next[0] : Math.min(xMax, px + 1)).toFixed(1)},${y(py).toFixed(1)}`);
    });
    parts.push(`<path d="${d.join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2"/>`);
  }
  parts.push(line(MARGIN.left, MARGIN.top + plotH, MARGIN.left + plotW, MARGIN.top + plotH, 'stroke="#333"'));
  parts.push(line(MARGIN.left, MARGIN.top, MARGIN.left, MARGIN.top + plotH, 'stroke="#333"'));
  parts.push(legend(options.series, MARGIN.left, height - 14, width));
  return { width, height, body: parts.join('\n') };
}

/** Panels side by side in one SVG document. */
export function svgDocument(panels: readonly Panel[], caption: string): string {
  const width = panels.reduce((sum, p) => sum + p.width, 0);
  const height = Math.max(...panels.map((p) => p.height)) + 24;
  let left = 0;
  const placed = panels.map((p) => {
    const g = `<g transform="translate(${left},0)">\n${p.body}\n</g>`;
    left += p.width;
    return g;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...placed,
    text(8, height - 6, caption, 'fill="#666" font-size="10"'),
    '</svg>',
    '',
  ].join('\n');
}

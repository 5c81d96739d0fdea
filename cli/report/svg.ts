/**
 * Charts as inline SVG: no script, no fonts or images to fetch, so a report opens the same from a
 * mail attachment, an archive or a machine without network.
 */

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const FONT = 'font-family="system-ui, sans-serif" font-size="11"';

export interface ColumnPoint {
  label: string;
  value: number;
}

/** Vertical bars over a sequence (days of a month); every `labelEvery`th label is written. */
export function columnChart(points: readonly ColumnPoint[], options: { title: string; format: (n: number) => string; labelEvery?: number; color?: string }): string {
  const width = 760;
  const height = 240;
  const left = 64;
  const bottom = 28;
  const top = 16;
  const plotW = width - left - 12;
  const plotH = height - top - bottom;
  const max = Math.max(0, ...points.map((p) => p.value));
  const step = points.length > 0 ? plotW / points.length : plotW;
  const barW = Math.max(1, step * 0.75);
  const every = options.labelEvery ?? Math.max(1, Math.ceil(points.length / 15));
  const y = (v: number) => top + plotH - (max > 0 ? (v / max) * plotH : 0);
  const parts: string[] = [];
  for (const f of [0, 0.5, 1]) {
    const gy = y(max * f);
    parts.push(`<line x1="${left}" x2="${width - 12}" y1="${gy.toFixed(1)}" y2="${gy.toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${(gy + 4).toFixed(1)}" text-anchor="end" ${FONT} fill="#555">${escapeXml(options.format(max * f))}</text>`);
  }
  points.forEach((p, i) => {
    const x = left + i * step + (step - barW) / 2;
    const by = y(p.value);
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${by.toFixed(1)}" width="${barW.toFixed(1)}" height="${(top + plotH - by).toFixed(1)}" fill="${options.color ?? '#3b6ea5'}"><title>${escapeXml(`${p.label}: ${options.format(p.value)}`)}</title></rect>`,
    );
    if (i % every === 0) {
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${height - 10}" text-anchor="middle" ${FONT} fill="#555">${escapeXml(p.label)}</text>`);
    }
  });
  return svg(width, height, options.title, parts);
}

export interface BarRow {
  label: string;
  value: number;
}

/** Horizontal bars, one row per item, labels on the left and values on the right. */
export function barChart(rows: readonly BarRow[], options: { title: string; format: (n: number) => string; color?: string }): string {
  const width = 760;
  const rowH = 22;
  const labelW = 250;
  const valueW = 90;
  const height = Math.max(1, rows.length) * rowH + 8;
  const plotW = width - labelW - valueW - 16;
  const max = Math.max(0, ...rows.map((r) => r.value));
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const yMid = 4 + i * rowH + rowH / 2;
    const w = max > 0 ? (r.value / max) * plotW : 0;
    const label = r.label.length > 38 ? r.label.slice(0, 37) + '…' : r.label;
    parts.push(`<text x="${labelW - 8}" y="${(yMid + 4).toFixed(1)}" text-anchor="end" ${FONT} fill="#222">${escapeXml(label)}</text>`);
    parts.push(
      `<rect x="${labelW}" y="${(yMid - 7).toFixed(1)}" width="${Math.max(w, r.value > 0 ? 1 : 0).toFixed(1)}" height="14" fill="${options.color ?? '#3b6ea5'}"><title>${escapeXml(`${r.label}: ${options.format(r.value)}`)}</title></rect>`,
    );
    parts.push(`<text x="${(labelW + w + 6).toFixed(1)}" y="${(yMid + 4).toFixed(1)}" ${FONT} fill="#222">${escapeXml(options.format(r.value))}</text>`);
  });
  if (rows.length === 0) parts.push(`<text x="8" y="18" ${FONT} fill="#777">no data</text>`);
  return svg(width, height, options.title, parts);
}

function svg(width: number, height: number, title: string, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>${parts.join('')}</svg>`;
}

// Server-side SVG charts: no chart library and no script, so a chart is part of the page a maintainer can save,
// and labels (outcomes, repository names) go through the same escaping as the rest of the page. Every mark
// carries class="datum" and its value in data-value, which is what the browser test reads.
import { html, type Safe } from "./html.js";

const W = 560;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 40 };
export const PALETTE = ["#2f81f7", "#3fb950", "#d29922", "#f85149", "#a371f7", "#8b949e", "#db61a2", "#39c5cf"];

const empty = (title: string) => html`<p class="chart-empty">${title}: no data yet.</p>`;

function frame(title: string, body: Safe, legend: Safe | string = ""): Safe {
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${title}">
      <title>${title}</title>
      <line class="axis" x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" />
      ${body}</svg
    >${legend}
  </figure>`;
}

function xLabel(x: number, text: string): Safe {
  return html`<text class="tick" x="${x.toFixed(1)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${text}</text>`;
}

/** Columns of stacked parts (runs per day by outcome). */
export function stackedBars(title: string, columns: { label: string; parts: Record<string, number> }[], series: string[]): Safe {
  if (!columns.length) return empty(title);
  const max = Math.max(1, ...columns.map((c) => Object.values(c.parts).reduce((a, b) => a + b, 0)));
  const plotH = H - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / columns.length;
  const bw = Math.max(2, Math.min(40, step * 0.7));
  const marks = columns.map((c, i) => {
    const x = PAD.left + i * step + (step - bw) / 2;
    let y = H - PAD.bottom;
    const rects = series.map((name, s) => {
      const v = c.parts[name] ?? 0;
      if (!v) return html``;
      const h = (v / max) * plotH;
      y -= h;
      return html`<rect
        class="datum"
        data-series="${name}"
        data-value="${v}"
        x="${x.toFixed(1)}"
        y="${y.toFixed(1)}"
        width="${bw.toFixed(1)}"
        height="${h.toFixed(1)}"
        fill="${PALETTE[s % PALETTE.length]}"
        ><title>${c.label} · ${name}: ${v}</title></rect
      >`;
    });
    return html`${rects}${i % Math.ceil(columns.length / 8) === 0 ? xLabel(x + bw / 2, c.label.slice(5)) : ""}`;
  });
  const legend = html`<ul class="legend">
    ${series.map(
      (name, s) =>
        html`<li>
          <svg class="swatch" width="10" height="10"><rect width="10" height="10" fill="${PALETTE[s % PALETTE.length]}" /></svg>${name}
        </li>`,
    )}
  </ul>`;
  return frame(title, html`${yAxis(String(max))}${marks}`, legend);
}

/** A share (0..1) over time, as a line with points (merge rate per week). */
export function shareLine(title: string, points: { label: string; share: number; note: string }[]): Safe {
  if (!points.length) return empty(title);
  const plotH = H - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / points.length;
  const xy = points.map((p, i) => [PAD.left + step * (i + 0.5), H - PAD.bottom - p.share * plotH] as const);
  const line = xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
  const dots = points.map(
    (p, i) =>
      html`<circle
          class="datum"
          data-value="${p.share.toFixed(3)}"
          cx="${xy[i][0].toFixed(1)}"
          cy="${xy[i][1].toFixed(1)}"
          r="4"
          fill="${PALETTE[1]}"
          ><title>${p.label}: ${Math.round(p.share * 100)}% (${p.note})</title></circle
        >${xLabel(xy[i][0], p.label.slice(5))}`,
  );
  return frame(title, html`${yAxis("100%")}<polyline points="${line}" fill="none" stroke="${PALETTE[1]}" stroke-width="2" />${dots}`);
}

/** Horizontal bars with a label each (cost per repository). */
export function horizontalBars(title: string, bars: { label: string; value: number; text: string }[]): Safe {
  if (!bars.length) return empty(title);
  const max = Math.max(...bars.map((b) => b.value), 1e-9);
  const rowH = Math.min(28, (H - PAD.top - 8) / bars.length);
  const left = 180;
  const marks = bars.map((b, i) => {
    const y = PAD.top + i * rowH;
    const w = (b.value / max) * (W - left - 90);
    return html`<text class="tick" x="${left - 6}" y="${(y + rowH * 0.65).toFixed(1)}" text-anchor="end"
        >${b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label}</text
      >
      <rect
        class="datum"
        data-value="${b.value}"
        x="${left}"
        y="${(y + 3).toFixed(1)}"
        width="${Math.max(1, w).toFixed(1)}"
        height="${(rowH - 6).toFixed(1)}"
        fill="${PALETTE[0]}"
        ><title>${b.label}: ${b.text}</title></rect
      >
      <text class="tick" x="${(left + Math.max(1, w) + 6).toFixed(1)}" y="${(y + rowH * 0.65).toFixed(1)}">${b.text}</text>`;
  });
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${title}">
      <title>${title}</title>
      ${marks}
    </svg>
  </figure>`;
}

/** One column per label (median time to triage per day). */
export function columns(title: string, cols: { label: string; value: number; text: string }[], unit: string): Safe {
  if (!cols.length) return empty(title);
  const max = Math.max(...cols.map((c) => c.value), 1e-9);
  const plotH = H - PAD.top - PAD.bottom;
  const step = (W - PAD.left - PAD.right) / cols.length;
  const bw = Math.max(2, Math.min(40, step * 0.7));
  const marks = cols.map((c, i) => {
    const x = PAD.left + i * step + (step - bw) / 2;
    const h = Math.max(1, (c.value / max) * plotH);
    return html`<rect
        class="datum"
        data-value="${c.value.toFixed(1)}"
        x="${x.toFixed(1)}"
        y="${(H - PAD.bottom - h).toFixed(1)}"
        width="${bw.toFixed(1)}"
        height="${h.toFixed(1)}"
        fill="${PALETTE[4]}"
        ><title>${c.label}: ${c.text}</title></rect
      >${xLabel(x + bw / 2, c.label.slice(5))}`;
  });
  return frame(title, html`${yAxis(`${Math.round(max)} ${unit}`)}${marks}`);
}

function yAxis(topLabel: string): Safe {
  return html`<line class="axis" x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" />
    <text class="tick" x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end">${topLabel}</text>
    <text class="tick" x="${PAD.left - 4}" y="${H - PAD.bottom}" text-anchor="end">0</text>`;
}

// Inline SVG charts drawn by hand (no library): a bar chart of one series and a line chart of
// several, both over the hours of GET /api/v1/stats/hourly. Colours come from app.css classes
// (series-<name>), so nothing here needs a style attribute.
import {h, s} from './dom.js';

const SMALL = {w: 360, h: 160};
const WIDE = {w: 960, h: 230};
const M = {left: 36, right: 10, top: 12, bottom: 24};

// 0 -> 2, 7 -> 8, 13 -> 20, 230 -> 250: a round top for the y axis whose half is a whole number.
function niceMax(value) {
  if (value <= 2) return 2;
  const p = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 4, 5, 6, 8, 10]) {
    if (m * p >= value && Number.isInteger((m * p) / 2)) return m * p;
  }
  return 10 * p;
}

function hourLabel(iso) {
  return String(iso).slice(11, 13) + ':00';
}

function axes(size, max, hours) {
  const plotW = size.w - M.left - M.right;
  const plotH = size.h - M.top - M.bottom;
  const nodes = [];
  for (const frac of [0, 0.5, 1]) {
    const y = M.top + plotH * (1 - frac);
    nodes.push(s('line', {class: 'chart-grid', x1: M.left, x2: size.w - M.right, y1: y, y2: y}));
    nodes.push(s('text', {class: 'chart-label', x: M.left - 4, y: y + 4, 'text-anchor': 'end'},
      String(max * frac)));
  }
  const step = plotW / Math.max(hours.length, 1);
  const every = size === WIDE ? 3 : 6;
  hours.forEach((hour, i) => {
    if (i % every !== 0 && i !== hours.length - 1) return;
    nodes.push(s('text', {class: 'chart-label', x: M.left + step * (i + 0.5), y: size.h - 6,
      'text-anchor': 'middle'}, hourLabel(hour)));
  });
  return nodes;
}

// rows: the hourly stats; key: the field to draw ("delivered").
export function barChart(rows, key, label) {
  const values = rows.map((r) => Number(r[key]) || 0);
  const total = values.reduce((a, b) => a + b, 0);
  const max = niceMax(Math.max(0, ...values));
  const plotH = SMALL.h - M.top - M.bottom;
  const step = (SMALL.w - M.left - M.right) / Math.max(rows.length, 1);
  const bars = rows.map((r, i) => {
    const bh = (values[i] / max) * plotH;
    return s('rect', {class: 'bar series-' + key, x: M.left + step * i + 1,
      y: M.top + plotH - bh, width: Math.max(step - 2, 1), height: bh},
    s('title', {}, `${hourLabel(r.hour)} UTC: ${values[i]} ${label.toLowerCase()}`));
  });
  return h('figure', {class: 'chart', 'data-series': key},
    h('figcaption', {}, h('span', {}, label), h('strong', {class: 'chart-total'}, String(total))),
    s('svg', {viewBox: `0 0 ${SMALL.w} ${SMALL.h}`, role: 'img',
      'aria-label': `${label} per hour over the last ${rows.length} hours: ${total} in total`},
    ...axes(SMALL, max, rows.map((r) => r.hour)), ...bars));
}

// series: [[key, label], ...] drawn as lines on one plot, with a legend.
export function lineChart(rows, series, caption) {
  const max = niceMax(Math.max(0, ...rows.flatMap((r) => series.map(([k]) => Number(r[k]) || 0))));
  const plotH = WIDE.h - M.top - M.bottom;
  const step = (WIDE.w - M.left - M.right) / Math.max(rows.length, 1);
  const lines = series.map(([key, label]) => {
    const points = rows.map((r, i) => {
      const x = M.left + step * (i + 0.5);
      const y = M.top + plotH * (1 - (Number(r[key]) || 0) / max);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    }).join(' ');
    // A dot on every non-zero hour, so that a single busy hour stands out from the baseline.
    const dots = rows.map((r, i) => Number(r[key]) ? s('circle', {class: 'dot series-' + key,
      cx: M.left + step * (i + 0.5), cy: M.top + plotH * (1 - Number(r[key]) / max), r: 3},
    s('title', {}, `${hourLabel(r.hour)} UTC: ${r[key]} ${label.toLowerCase()}`)) : null);
    return [s('polyline', {class: 'line series-' + key, points}, s('title', {}, label)), ...dots];
  });
  const legend = h('ul', {class: 'legend'}, series.map(([key, label]) =>
    h('li', {}, h('span', {class: 'swatch series-' + key}), label)));
  return h('figure', {class: 'chart chart-wide'},
    h('figcaption', {}, h('span', {}, caption)),
    s('svg', {viewBox: `0 0 ${WIDE.w} ${WIDE.h}`, role: 'img', 'aria-label': caption},
      ...axes(WIDE, max, rows.map((r) => r.hour)), lines),
    legend);
}

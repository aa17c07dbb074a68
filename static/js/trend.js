// The trend of incidents over time, street-wide or for one community, with
// a month slider that picks the window (the month it ends with).
//
// What it may show follows the privacy policy (docs/privacy.md): public
// incident figures come only from the published monthly table, so the
// public sees MONTHLY counts of the 12 closed months up to the chosen one
// (GET /incidents/summary, one published month at a time, with the
// "partial" and "hidden" notes); staff see WEEKLY counts of the 26 weeks
// up to the end of the chosen month, counted from the incidents themselves
// (OGC items, only their time field). Both in zh-CN and English; the
// slider and the area are keyboard controls with labels, the chart has a
// text summary and its numbers are in a table.

import { h, fill } from './dom.js';
import { t, lang } from './i18n.js';
import { getJSON } from './api.js';
import { closedMonths, recentMonths, addDays } from './timewin.js';

const SLIDER_MONTHS = 24;

/** Monday (YYYY-MM-DD, Beijing) of the week of a Date. */
export function weekStart(d) {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  const [y, m, dd] = day.split('-').map(Number);
  const wd = (new Date(Date.UTC(y, m - 1, dd)).getUTCDay() + 6) % 7; // Monday 0
  return addDays(day, -wd);
}

/** The last day of "YYYY-MM". */
function monthEnd(month) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** The n months up to and including month, oldest first. */
function monthsUpTo(month, n) {
  const [y, m] = month.split('-').map(Number);
  const out = [];
  for (let i = n - 1; i >= 0; i--) out.push(new Date(Date.UTC(y, m - 1 - i, 1)).toISOString().slice(0, 7));
  return out;
}

/** Staff: weekly counts of the 26 weeks ending with month's last week. */
async function weekly(app, area, month, signal) {
  const inc = app.catalog.find(l => l.name === 'incidents');
  const tf = inc && inc.time_field;
  const last = weekStart(new Date(monthEnd(month) + 'T12:00:00+08:00'));
  const weeks = [];
  for (let i = 25; i >= 0; i--) weeks.push(addDays(last, -7 * i));
  const counts = new Map(weeks.map(w => [w, 0]));
  let url = '/ogc/collections/incidents/items';
  let params = { datetime: `${weeks[0]}/${addDays(last, 6)}`, properties: tf, limit: 10000, ...(area ? { community: area } : {}) };
  for (let page = 0; url && page < 50; page++) {
    const fc = await getJSON(url, params, { signal });
    for (const f of fc.features) {
      const w = weekStart(new Date(f.properties[tf]));
      if (counts.has(w)) counts.set(w, counts.get(w) + 1);
    }
    const next = (fc.links || []).find(l => l.rel === 'next');
    url = next ? new URL(next.href, location.origin).pathname + new URL(next.href, location.origin).search : null;
    params = null;
  }
  return { unit: 'week', rows: weeks.map(w => ({ key: w, label: w.slice(5), count: counts.get(w) })) };
}

/** The public: the published monthly totals of the 12 months ending with month. */
async function monthly(area, month, signal) {
  const months = monthsUpTo(month, 12);
  const rows = [];
  // A few at a time: each is a sum over the published table.
  for (let i = 0; i < months.length; i += 4) {
    const part = await Promise.all(months.slice(i, i + 4).map(m => getJSON('/incidents/summary',
      { datetime: m, ...(area ? { community: area } : {}) }, { signal })
      .then(s => ({ key: m, label: m, count: s.suppressed ? null : s.total, partial: s.partial, hidden: s.suppressed }))));
    rows.push(...part);
  }
  return { unit: 'month', rows };
}

/**
 * Renders the trend into el. app: {catalog, role, config, labels (the
 * communities' label points)}.
 */
export function renderTrend(el, app) {
  const publicFigures = app.role === 'public';
  const communities = ((app.labels && app.labels.features) || []).filter(f => f.properties.kind === 'community').map(f => f.properties.name).sort((a, b) => a.localeCompare(b, 'zh-CN'));
  // Months the slider offers: the public only closed (published) months.
  const months = publicFigures ? closedMonths(SLIDER_MONTHS) : recentMonths(SLIDER_MONTHS);
  const state = { area: '', idx: months.length - 1 };
  const area = h('select', { id: 'trend-area' },
    h('option', { value: '' }, t('trendStreet')), communities.map(c => h('option', { value: c }, c)));
  const slider = h('input', { type: 'range', id: 'trend-month', min: '0', max: String(months.length - 1), step: '1', value: String(state.idx) });
  const out = h('output', { id: 'trend-window', for: 'trend-month', class: 'small' });
  const status = h('p', { class: 'small muted', id: 'trend-status', role: 'status' });
  const canvas = h('canvas', { id: 'trend-chart', role: 'img', height: '160' });
  const table = h('table', { class: 'counts', id: 'trend-table' });
  const note = h('p', { class: 'small muted' }, t(publicFigures ? 'trendPublicNote' : 'trendStaffNote', { n: app.config.min_count || 5 }));
  let chart = null;
  let abort = null;

  const windowText = () => {
    const m = months[state.idx];
    const first = publicFigures ? monthsUpTo(m, 12)[0] : addDays(weekStart(new Date(monthEnd(m) + 'T12:00:00+08:00')), -7 * 25).slice(0, 7);
    return `${first} — ${m}`;
  };

  async function draw() {
    if (abort) abort.abort();
    abort = new AbortController();
    const signal = abort.signal;
    const text = windowText();
    out.textContent = text;
    slider.setAttribute('aria-valuetext', text);
    status.textContent = t('loading');
    let res;
    try {
      res = publicFigures ? await monthly(state.area, months[state.idx], signal) : await weekly(app, state.area, months[state.idx], signal);
    } catch (e) {
      if (signal.aborted) return;
      status.textContent = t('failed') + ': ' + e.message;
      return;
    }
    if (signal.aborted) return;
    const total = res.rows.reduce((a, r) => a + (r.count || 0), 0);
    const where = state.area || t('trendStreet');
    const summary = t(res.unit === 'week' ? 'trendSummaryWeek' : 'trendSummaryMonth', { where, n: res.rows.length, total: total.toLocaleString(lang() === 'en' ? 'en' : 'zh-CN'), from: res.rows[0].label, to: res.rows[res.rows.length - 1].label });
    status.textContent = '';
    canvas.setAttribute('aria-label', summary);
    el.dataset.unit = res.unit;
    el.dataset.rows = String(res.rows.length);
    fill(table,
      h('caption', { class: 'visually-hidden' }, summary),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t(res.unit === 'week' ? 'trendWeekOf' : 'trendMonthCol')), h('th', { scope: 'col' }, t('count')))),
      h('tbody', {}, res.rows.map(r => h('tr', {}, h('th', { scope: 'row' }, r.key),
        h('td', {}, r.hidden ? t('trendHidden') : (r.count ?? 0).toLocaleString() + (r.partial ? '*' : ''))))));
    try {
      const Chart = await loadChart();
      if (signal.aborted) return;
      if (chart) chart.destroy();
      chart = new Chart(canvas, {
        type: 'bar',
        data: { labels: res.rows.map(r => r.label), datasets: [{ data: res.rows.map(r => r.count ?? 0), backgroundColor: '#c2255c', borderRadius: 2 }] },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { x: { ticks: { maxRotation: 0, autoSkip: true, font: { size: 10 } } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
      el.dataset.chart = 'ready';
    } catch { /* the table has the numbers */ }
  }

  area.addEventListener('change', () => { state.area = area.value; draw(); });
  let timer = null;
  slider.addEventListener('input', () => {
    state.idx = Number(slider.value);
    out.textContent = windowText();
    clearTimeout(timer);
    timer = setTimeout(draw, 200);
  });

  fill(el,
    h('h2', {}, t(publicFigures ? 'trendTitleMonth' : 'trendTitleWeek')),
    h('label', { class: 'field', for: 'trend-area' }, h('span', {}, t('trendArea')), area),
    h('label', { class: 'field', for: 'trend-month' }, h('span', {}, t('trendMonth')), slider),
    h('p', { class: 'small' }, t('trendWindow'), ' ', out),
    status,
    h('div', { class: 'chart-box trend-box' }, canvas),
    h('details', {}, h('summary', {}, t('trendTable')), table),
    note);
  return {
    /** Shows the trend of a community (its panel opened). */
    setArea(name) { if (communities.includes(name) && state.area !== name) { area.value = name; state.area = name; draw(); } },
    draw,
    destroy() { if (chart) chart.destroy(); if (abort) abort.abort(); },
  };
}

/** Chart.js, vendored, loaded on first use. */
function loadChart() {
  if (window.Chart) return Promise.resolve(window.Chart);
  return new Promise((resolve, reject) => {
    const link = document.querySelector('link[data-lib="chart"]');
    const s = document.createElement('script');
    s.src = link ? link.href : '/static/vendor/chart.umd.min.js';
    s.onload = () => resolve(window.Chart);
    s.onerror = () => reject(new Error('chart.js did not load'));
    document.head.append(s);
  });
}

// The 接诉即办 dashboard (/dashboard, embeddable with ?embed=1): the 25
// communities coloured by a rate, the ranking table (sortable), the trend of
// the last eight weeks and, for staff, the overdue incidents. Under the
// default disclosure policy public callers see the rates by community or
// patch over whole settled months, computed by the server from published
// monthly atoms (a rate is withheld when any of its counts in the window is
// small: docs/privacy.md); with --public-incidents points, the rates of
// groups with enough incidents.

import * as api from './api.js';
import { h, fill } from './dom.js';
import { liveUpdates } from './live.js';

/* global maplibregl, Chart */

const $ = sel => document.querySelector(sel);
const DAY = 86400000;
const pct = v => (v === null || v === undefined ? '—' : (100 * v).toFixed(1) + '%');
const num = v => (v === null || v === undefined ? '—' : String(v));
const COLORS = ['#edf8e9', '#bae4b3', '#74c476', '#31a354', '#006d2c']; // low → high: darker is better

/** A datetime interval of the last n days, as Beijing dates. */
function lastDays(n, endOffset = 0) {
  const fmt = t => new Date(t + 8 * 3600000).toISOString().slice(0, 10);
  const end = Date.now() - endOffset * DAY;
  return `${fmt(end - (n - 1) * DAY)}/${fmt(end)}`;
}

/** The datetime of the n months ending with month last (2026-10), or undefined. */
function lastMonths(last, n) {
  if (!last) return undefined;
  const [y, m] = last.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - n, 1));
  return `${first.toISOString().slice(0, 7)}/${last}`;
}

/** Colour of a value between the lowest and highest of the shown groups. */
function colorScale(values) {
  const v = values.filter(x => typeof x === 'number');
  const lo = Math.min(...v), hi = Math.max(...v);
  return x => {
    if (typeof x !== 'number') return '#e9ecef';
    const i = hi > lo ? Math.min(4, Math.floor(5 * (x - lo) / (hi - lo + 1e-9))) : 2;
    return COLORS[i];
  };
}

async function boot() {
  const q = new URLSearchParams(location.search);
  if (q.get('token')) api.useToken(q.get('token')); else api.loadToken();
  if (q.get('embed') === '1') document.body.classList.add('embed');
  const layers = await api.getJSON('/layers');
  const staff = layers.role === 'staff' || layers.role === 'admin';
  $('#role').textContent = staff ? '工作人员视图' : '公众视图（小样本已隐藏）';
  // Published mode: the public under the default policy (aggregates).
  const published = !staff && (await api.getJSON('/config.json')).public_incidents !== 'points';
  let lastSettled = null; // 2026-10: the latest month whose rates are published
  if (published) {
    $('#role').textContent = '公众视图（按月公布，小样本已隐藏）';
    lastSettled = (await api.getJSON('/rates', { by: 'community' })).months?.[0] || null;
    fill($('#window'), [[1, '最近公布的一个月'], [3, '最近三个月'], [12, '最近十二个月']]
      .map(([n, label]) => h('option', { value: String(n) }, label)));
    for (const opt of [...$('#by').options]) if (opt.value !== 'community' && opt.value !== 'patch') opt.remove();
  }
  const communities = await api.getJSON('/layers/communities.geojson');

  const map = new maplibregl.Map({
    container: 'map', attributionControl: false,
    style: { version: 8, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#f8f9fa' } }] },
    bounds: [116.268, 39.843, 116.307, 39.872],
  });
  const loaded = new Promise(resolve => map.on('load', resolve));
  await loaded;
  map.addSource('communities', { type: 'geojson', data: communities, promoteId: 'name' });
  map.addLayer({ id: 'fill', type: 'fill', source: 'communities',
    paint: { 'fill-color': ['coalesce', ['feature-state', 'color'], '#e9ecef'], 'fill-opacity': 0.85 } });
  map.addLayer({ id: 'line', type: 'line', source: 'communities', paint: { 'line-color': '#495057', 'line-width': 1 } });
  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });

  const state = { metric: 'score', days: 30, by: 'community', sort: { key: 'rank', dir: 1 }, rows: [], byName: {} };

  async function refresh() {
    state.metric = $('#metric').value;
    state.days = Number($('#window').value);
    state.by = $('#by').value;
    const dt = published ? lastMonths(lastSettled, state.days) : lastDays(state.days);
    $('#csv').href = api.url('/rates.csv', { by: state.by, datetime: dt });
    $('#xlsx').href = api.url('/rates.xlsx', { by: state.by, datetime: dt });
    const [byCommunity, table] = await Promise.all([
      api.getJSON('/rates', { by: 'community', datetime: dt }),
      api.getJSON('/rates', { by: state.by, datetime: dt }),
    ]);
    // Choropleth.
    state.byName = Object.fromEntries(byCommunity.groups.map(g => [g.group, g]));
    const color = colorScale(byCommunity.groups.filter(g => !g.suppressed).map(g => g[state.metric]));
    for (const f of communities.features) {
      const g = state.byName[f.properties.name];
      map.setFeatureState({ source: 'communities', id: f.properties.name }, { color: color(g && !g.suppressed ? g[state.metric] : null) });
    }
    fill($('#legend'), h('div', null, $('#metric').selectedOptions[0].textContent, '（低 → 高；灰：样本不足）'),
      COLORS.map(c => h('i', { style: { background: c } })));
    // Table.
    state.rows = table.groups;
    renderTable();
    $('#note').textContent = published
      ? `公众视图：${table.months.join('、') || '暂无已公布月份'}。三率只由按月公布的汇总数计算；窗口内任一月份某项计数小于 ${table.min_count}（如超时响应数），该项即不公布（“—”）。`
      : table.note || (staff ? `权重：响应率 ${table.weights.response}，解决率 ${table.weights.resolution}，满意率 ${table.weights.satisfaction}` : '');
    window.minqingDashboard.ready = true;
  }

  function columns() {
    const cols = [['rank', '排名'], ['group', '分组']];
    if (staff) cols.push(['count', '诉求数']);
    cols.push(['response_rate', '响应率'], ['resolution_rate', '解决率'], ['satisfaction_rate', '满意率'], ['score', '综合得分']);
    if (staff) cols.push(['median_response_minutes', '响应中位(分)'], ['overdue_response', '响应超时'], ['overdue_resolution', '办结超时']);
    return cols;
  }

  function renderTable() {
    const cols = columns();
    const { key, dir } = state.sort;
    const val = r => (r[key] === null || r[key] === undefined || (key === 'rank' && !r.rank) ? null : r[key]);
    const rows = [...state.rows].sort((a, b) => {
      const x = val(a), y = val(b);
      if (x === null && y === null) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    fill($('#ranking thead'), h('tr', null, cols.map(([k, label]) => h('th', {
      'aria-sort': k === key ? (dir > 0 ? 'ascending' : 'descending') : null,
      dataset: { key: k },
      onclick: () => { state.sort = { key: k, dir: k === key ? -dir : (k === 'rank' || k === 'group' ? 1 : -1) }; renderTable(); },
    }, label))));
    fill($('#ranking tbody'), rows.map(r => h('tr', { dataset: { group: r.group } }, cols.map(([k]) => {
      if (r.suppressed && k !== 'group') return h('td', { class: 'muted' }, k === 'rank' ? '' : '隐藏');
      const v = r[k];
      if (k.endsWith('_rate')) return h('td', null, pct(v));
      if (k === 'rank') return h('td', null, r.rank ? String(r.rank) : '');
      return h('td', null, num(v));
    }))));
  }

  async function trend() {
    if (published) {
      $('#trend').hidden = true;
      $('#trend-note').textContent = '公众视图：周趋势按工作人员权限提供；公众可按月查看排名。';
      return;
    }
    const weeks = [];
    for (let w = 7; w >= 0; w--) weeks.push(lastDays(7, 7 * w));
    const res = await Promise.all(weeks.map(dt => api.getJSON('/rates', { by: 'patch', datetime: dt })));
    const series = k => res.map(r => (r.total && r.total[k] !== null && r.total[k] !== undefined ? +(100 * r.total[k]).toFixed(1) : null));
    if (res.every(r => !r.total)) $('#trend-note').textContent = '公众视图：本区间有小样本分组，合计不公开。';
    if (!window.Chart) return;
    new Chart($('#trend'), {
      type: 'line',
      data: {
        labels: weeks.map(w => w.split('/')[1].slice(5)),
        datasets: [
          { label: '响应率', data: series('response_rate'), borderColor: '#1c7ed6' },
          { label: '解决率', data: series('resolution_rate'), borderColor: '#37b24d' },
          { label: '满意率', data: series('satisfaction_rate'), borderColor: '#f59f00' },
        ],
      },
      options: { animation: false, scales: { y: { suggestedMin: 80, suggestedMax: 100 } } },
    });
  }

  async function overdue() {
    if (!staff) return;
    const [resp, reso] = await Promise.all([
      api.getJSON('/layers/incidents.geojson', { overdue: 'response' }),
      api.getJSON('/layers/incidents.geojson', { overdue: 'resolution' }),
    ]);
    const items = [...resp.features.map(f => ['响应超时', f]), ...reso.features.map(f => ['办结超时', f])];
    $('#overdue-box').hidden = false;
    fill($('#overdue'), items.slice(0, 200).map(([kind, f]) => h('li', null,
      `${kind} #${f.id} ${f.properties.category} · ${f.properties.community || ''} · ${f.properties.unit || '未派单'} · 时限 `,
      new Date(kind === '响应超时' ? f.properties.response_due : f.properties.resolution_due).toLocaleString('zh-CN'))));
    if (items.length === 0) fill($('#overdue'), h('li', { class: 'muted' }, '暂无超时诉求'));
  }

  map.on('mousemove', 'fill', e => {
    const name = e.features[0].properties.name;
    const g = state.byName[name];
    popup.setLngLat(e.lngLat).setText(g && !g.suppressed ? `${name}：${pct(g.response_rate)} / ${pct(g.resolution_rate)} / ${pct(g.satisfaction_rate)} · ${num(g.score)}` : `${name}：样本不足`).addTo(map);
  });
  map.on('mouseleave', 'fill', () => popup.remove());
  for (const id of ['#metric', '#window', '#by']) $(id).addEventListener('change', () => refresh().catch(show));
  window.minqingDashboard = { map, state, ready: false };
  await refresh();
  await Promise.all([trend(), overdue()]);
  liveUpdates(['incidents'], () => { refresh().then(overdue).catch(show); });
}

function show(err) {
  console.error('minqing dashboard:', err);
  const el = $('#fatal');
  el.hidden = false;
  el.textContent = '加载失败 / could not load: ' + err.message;
}

boot().catch(show);

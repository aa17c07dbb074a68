// The detail panel on the right: what a click on the map opens. A community
// shows its patch, secretary, households and population and its incidents
// in the chosen window by category (with a chart); a street shows its three
// chiefs and patrol figures; anything else its fields as /layers titles them.

import { h, fill } from './dom.js';
import { t, title, formatValue } from './i18n.js';
import { getJSON } from './api.js';
import { STREET_KINDS } from './styles.js';

let chartLib = null;

/** Loads Chart.js (vendored) on first use. */
function loadChart() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (chartLib) return chartLib;
  const link = document.querySelector('link[data-lib="chart"]');
  chartLib = new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = link ? link.href : '/static/vendor/chart.umd.min.js';
    s.onload = () => resolve(window.Chart);
    s.onerror = () => { chartLib = null; reject(new Error('chart.js did not load')); };
    document.head.append(s);
  });
  return chartLib;
}

export class InfoPanel {
  /** el: the panel element; catalog: /layers entries; onClose: called when closed. */
  constructor(el, catalog, onClose) {
    this.el = el;
    this.body = el.querySelector('.info-body');
    this.byName = Object.fromEntries(catalog.map(l => [l.name, l]));
    this.chart = null;
    this.abort = null;
    this.current = null;
    el.querySelector('.info-close').addEventListener('click', () => { this.close(); onClose(); });
  }

  close() {
    this.el.hidden = true;
    this.current = null;
    if (this.abort) this.abort.abort();
    if (this.chart) { this.chart.destroy(); this.chart = null; }
  }

  field(layer, name) {
    const l = this.byName[layer];
    return l && l.fields.find(f => f.name === name);
  }

  rows(layer, props, names, { all = false } = {}) {
    const out = [];
    for (const name of names) {
      const f = this.field(layer, name);
      if (!f || (!all && !(name in props))) continue;
      out.push(h('tr', {}, h('th', {}, title(f)), h('td', {}, formatValue(f, props[name]))));
    }
    return h('table', { class: 'props' }, h('tbody', {}, out));
  }

  /**
   * Shows a feature. ctx: {datetime, windowLabel, zoomTo(feature)}.
   * Returns a promise that settles when any extra data has loaded.
   */
  show(layer, feature, ctx) {
    if (this.abort) this.abort.abort();
    if (this.chart) { this.chart.destroy(); this.chart = null; }
    this.abort = new AbortController();
    this.current = { layer, feature, ctx };
    this.el.hidden = false;
    this.el.dataset.layer = layer;
    const props = feature.properties || {};
    switch (layer) {
      case 'communities': return this.community(props, ctx);
      case 'streets': return this.street(props);
      case 'incidents':
        if ('count' in props || props.suppressed === true) return this.cluster(props, feature, ctx);
        return this.generic(layer, feature);
      default: return this.generic(layer, feature);
    }
  }

  /** Re-renders the open panel (after a language or window change). */
  refresh(ctx) {
    if (this.current && !this.el.hidden) this.show(this.current.layer, this.current.feature, { ...this.current.ctx, ...ctx });
  }

  head(layer, name, sub) {
    const l = this.byName[layer];
    return h('header', {}, h('div', { class: 'kicker' }, title(l)), h('h2', { class: 'info-title' }, name), sub ? h('div', { class: 'sub' }, sub) : null);
  }

  community(p, ctx) {
    const stats = h('section', { class: 'incident-stats' }, h('h3', {}, t('communityIncidents'), h('small', {}, ' · ', ctx.windowLabel)), h('p', { class: 'muted' }, t('loading')));
    fill(this.body,
      this.head('communities', p.name, p.patch),
      this.rows('communities', p, ['patch', 'secretary', 'households', 'population', 'built_year', 'has_property_management', 'area_m2']),
      stats);
    return this.communityIncidents(p.name, ctx, stats);
  }

  /**
   * Counts of a community's incidents by category: staff (and the public of
   * a server that publishes points) count the OGC items; the public of an
   * aggregates server gets the published figures of /incidents/summary.
   */
  async communityCounts(name, ctx, signal) {
    if (ctx.agg) {
      const params = { community: name };
      const ip = ctx.incidentParams || {};
      if (ctx.datetime) params.datetime = ctx.datetime;
      if (ip.category) params.category = ip.category;
      else if (ip.source) params.source = ip.source;
      const sum = await getJSON('/incidents/summary', params, { signal });
      return { sorted: sum.categories.map(c => [c.category, c.count]), total: sum.total, partial: sum.partial, suppressed: sum.suppressed };
    }
    const params = { community: name, properties: 'category', limit: 10000 };
    if (ctx.datetime) params.datetime = ctx.datetime;
    const fc = await getJSON('/ogc/collections/incidents/items', params, { signal });
    const counts = new Map();
    for (const f of fc.features) {
      const c = f.properties.category || '—';
      counts.set(c, (counts.get(c) || 0) + 1);
    }
    return { sorted: [...counts.entries()].sort((a, b) => b[1] - a[1]), total: fc.numberMatched ?? fc.features.length };
  }

  async communityIncidents(name, ctx, el) {
    const signal = this.abort.signal;
    let res;
    try {
      res = await this.communityCounts(name, ctx, signal);
    } catch (e) {
      if (signal.aborted) return;
      fill(el, h('h3', {}, t('communityIncidents')), h('p', { class: 'error' }, t('failed'), ': ', e.message));
      return;
    }
    const { sorted, total } = res;
    const head = h('h3', {}, t('communityIncidents'), h('small', {}, ' · ', ctx.windowLabel));
    const note = ctx.agg ? h('p', { class: 'small muted public-note' }, t('publicNote', { n: ctx.minCount || 5 })) : null;
    if (res.suppressed) {
      fill(el, head, h('p', { class: 'muted' }, t('hiddenCell', { n: ctx.minCount || 5 })), note);
      return;
    }
    if (!sorted.length && !total) {
      fill(el, head, h('p', { class: 'muted' }, t('noIncidents')), note);
      return;
    }
    const canvas = h('canvas', { height: String(Math.max(80, sorted.length * 22 + 20)), 'aria-label': t('byCategory') });
    const list = h('table', { class: 'counts' }, h('tbody', {},
      sorted.map(([c, n]) => h('tr', {}, h('th', {}, c), h('td', {}, n.toLocaleString()))),
      h('tr', { class: 'total' }, h('th', {}, t('total')), h('td', {}, total.toLocaleString()))));
    const partial = res.partial ? h('p', { class: 'small muted' }, t('partialCount', { n: ctx.minCount || 5 })) : null;
    fill(el, head, h('div', { class: 'chart-box' }, canvas), list, partial, note);
    try {
      const Chart = await loadChart();
      if (signal.aborted) return;
      this.chart = new Chart(canvas, {
        type: 'bar',
        data: { labels: sorted.map(e => e[0]), datasets: [{ data: sorted.map(e => e[1]), backgroundColor: '#c2255c', borderRadius: 2 }] },
        options: {
          indexAxis: 'y', animation: false, responsive: true, maintainAspectRatio: false,
          plugins: { legend: { display: false }, tooltip: { enabled: true } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
        },
      });
      el.dataset.chart = 'ready';
    } catch { /* the table above still has the numbers */ }
  }

  street(p) {
    const kind = STREET_KINDS[p.kind];
    const sub = h('span', {}, h('span', { class: 'dot', style: { background: kind ? kind.color : '#999' } }), ' ', p.kind || '', p.community ? ' · ' + p.community : '');
    fill(this.body,
      this.head('streets', p.name, sub),
      h('h3', {}, t('chiefs')),
      this.rows('streets', p, ['street_chief', 'lane_chief', 'steward'], { all: true }),
      h('h3', {}, t('patrol')),
      this.rows('streets', p, ['patrols', 'problems_found', 'problems_solved', 'upgraded', 'shop_pledges', 'length_m']));
    return Promise.resolve();
  }

  cluster(p, feature, ctx) {
    if (ctx.agg) {
      // A published cell: its monthly counts added up, or why there is none.
      const n = ctx.minCount || 5;
      fill(this.body,
        this.head('incidents', p.suppressed === true ? t('hiddenCell', { n }) : `${Number(p.count).toLocaleString()} ${t('aggregated')}`, ctx.windowLabel),
        p.partial ? h('p', { class: 'small muted' }, t('partialCount', { n })) : null,
        h('p', { class: 'small muted public-note' }, t('publicNote', { n })));
      return Promise.resolve();
    }
    fill(this.body,
      this.head('incidents', `${Number(p.count).toLocaleString()} ${t('aggregated')}`, ctx.windowLabel),
      h('button', { type: 'button', class: 'btn', onclick: () => ctx.zoomTo(feature) }, t('zoomIn')));
    return Promise.resolve();
  }

  async generic(layer, feature) {
    const l = this.byName[layer];
    const names = l ? l.fields.map(f => f.name) : Object.keys(feature.properties || {});
    const labelField = l && l.label_field;
    const name = (labelField && feature.properties[labelField]) || title(l);
    fill(this.body, this.head(layer, name), this.rows(layer, feature.properties || {}, names));
    // A tile carries what a map needs; the feature itself has every field the
    // caller may see (a staff token adds the incident's description).
    if (feature.id === undefined || feature.id === null) return;
    const signal = this.abort.signal;
    try {
      const full = await getJSON(`/ogc/collections/${encodeURIComponent(layer)}/items/${encodeURIComponent(feature.id)}`, null, { signal });
      if (signal.aborted || !full || !full.properties) return;
      const nm = (labelField && full.properties[labelField]) || name;
      fill(this.body, this.head(layer, nm), this.rows(layer, full.properties, names));
    } catch { /* keep the tile's properties */ }
  }
}

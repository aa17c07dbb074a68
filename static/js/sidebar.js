// The left panel: the layer list from /layers (toggle, opacity, legend), the
// hotspot overlay's own window and category, the incident filters and the
// export button.

import { h, fill, swatch } from './dom.js';
import { t, title, statusName, valueName } from './i18n.js';
import { legendFor } from './styles.js';
import { draw } from './mapview.js';
import { HOT_RES } from './state.js';

// The mean area of an H3 cell at each resolution, for the cell-size choice.
const RES_AREA = { 7: '5 km²', 8: '0.7 km²', 9: '0.1 km²', 10: '0.015 km²', 11: '0.002 km²' };

const HOT_WINDOWS = ['7d', '30d', '90d', '365d'];
const PUBLIC_HOT_WINDOWS = ['12m', 'all'];
const WINDOW_KEYS = { '7d': 'd7', '30d': 'd30', '90d': 'd90', '365d': 'd365', '12m': 'm12', all: 'all' };

function enumOf(catalog, layer, field) {
  const l = catalog.find(x => x.name === layer);
  const f = l && l.fields.find(x => x.name === field);
  return (f && f.enum) || [];
}

function select(id, options, value, onchange) {
  return h('select', { id, onchange: e => onchange(e.target.value) },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

/**
 * Renders the layer list. app: {catalog, mapview, state, ctx (legend ctx),
 * changed()} — changed() is called after the state changed.
 */
export function renderLayers(el, app) {
  const tr = {
    t, title: name => title(app.catalog.find(l => l.name === name)), status: statusName,
    field: (layer, f) => title((app.catalog.find(l => l.name === layer) || { fields: [] }).fields.find(x => x.name === f)),
  };
  const items = draw(app.catalog).reverse().map(name => {
    const l = app.catalog.find(x => x.name === name);
    const on = app.mapview.visible[name];
    const op = app.state.opacity[name] ?? 1;
    const legend = legendFor(name, app.ctx, tr);
    const row = h('li', { class: 'layer' + (on ? '' : ' off'), dataset: { layer: name } },
      h('label', { class: 'layer-head' },
        h('input', {
          type: 'checkbox', checked: on, 'aria-label': title(l),
          onchange: e => {
            app.mapview.setVisible(name, e.target.checked);
            row.classList.toggle('off', !e.target.checked);
            app.changed();
          },
        }),
        h('span', { class: 'layer-title' }, title(l)),
        l.access === 'staff' ? h('span', { class: 'badge staff' }, t('staffOnly')) : null),
      h('div', { class: 'layer-body' },
        h('label', { class: 'opacity' }, h('span', {}, t('opacity')),
          h('input', {
            type: 'range', min: 0, max: 100, value: Math.round(op * 100), 'aria-label': t('opacity') + ' ' + title(l),
            oninput: e => { const v = e.target.value / 100; app.state.opacity[name] = v; app.mapview.setOpacity(name, v); app.changed(); },
          })),
        legend.length ? h('ul', { class: 'legend' }, legend.map(e => h('li', {}, swatch(e), h('span', {}, e.text)))) : null,
        name === 'hotspots' ? hotspotControls(app) : null));
    return row;
  });
  fill(el, items);
}

function hotspotControls(app) {
  const hot = app.state.hot;
  const cats = enumOf(app.catalog, 'incidents', 'category');
  return h('div', { class: 'hot-controls' },
    h('p', { class: 'muted small' }, t('hotIntro')),
    h('label', {}, h('span', {}, t('hotWindow')),
      select('hot-window', (app.role === 'public' ? PUBLIC_HOT_WINDOWS : HOT_WINDOWS).map(w => [w, t(WINDOW_KEYS[w])]), hot.win,
        v => { hot.win = v; app.hotChanged(); })),
    h('label', {}, h('span', {}, t('category')),
      select('hot-category', [['', t('all')], ...cats.map(c => [c, valueName('category', c)])], hot.category, v => { hot.category = v; app.hotChanged(); })),
    app.role === 'public'
      ? h('p', { class: 'small muted', id: 'hot-res-fixed' }, t('hotResFixed'))
      : h('label', {}, h('span', {}, t('hotRes')),
        select('hot-res', HOT_RES.map(r => [r, `H3 ${r} (≈${RES_AREA[r]})`]), hot.res, v => { hot.res = v; app.hotChanged(); })));
}

/** Renders the incident filters: category, status, source. */
export function renderFilters(el, app) {
  if (!app.catalog.some(l => l.name === 'incidents')) { el.hidden = true; return; }
  const s = app.state;
  const cats = enumOf(app.catalog, 'incidents', 'category');
  const statuses = enumOf(app.catalog, 'incidents', 'status');
  const sources = enumOf(app.catalog, 'incidents', 'source');
  if (app.agg) {
    // Published figures are by category or by source, one at a time.
    const catSel = select('f-category', [['', t('all')], ...cats.map(c => [c, valueName('category', c)])], s.category, v => {
      s.category = v; if (v) { s.source = ''; srcSel.value = ''; } app.filtersChanged();
    });
    const srcSel = select('f-source', [['', t('all')], ...sources.map(c => [c, valueName('source', c)])], s.source, v => {
      s.source = v; if (v) { s.category = ''; catSel.value = ''; } app.filtersChanged();
    });
    fill(el, h('h2', {}, t('filters')),
      h('label', { class: 'field' }, h('span', {}, t('category')), catSel),
      h('label', { class: 'field' }, h('span', {}, t('source')), srcSel),
      h('p', { class: 'small muted' }, t('publicFilters')));
    return;
  }
  fill(el,
    h('h2', {}, t('filters')),
    h('label', { class: 'field' }, h('span', {}, t('category')),
      select('f-category', [['', t('all')], ...cats.map(c => [c, valueName('category', c)])], s.category, v => { s.category = v; app.filtersChanged(); })),
    h('fieldset', { class: 'statuses' }, h('legend', {}, t('status')),
      statuses.map(st => h('label', {},
        h('input', {
          type: 'checkbox', value: st, checked: s.status.includes(st),
          onchange: e => {
            s.status = statuses.filter(x => x === st ? e.target.checked : s.status.includes(x));
            app.filtersChanged();
          },
        }), ' ', statusName(st)))),
    h('label', { class: 'field' }, h('span', {}, t('source')),
      select('f-source', [['', t('all')], ...sources.map(c => [c, valueName('source', c)])], s.source, v => { s.source = v; app.filtersChanged(); })));
}

/** Renders the export box: layer, format, only the current view. */
export function renderExport(el, app) {
  // Layers without a data link (the public incidents under aggregates) have
  // no export.
  const names = draw(app.catalog).reverse().filter(n => n !== 'hotspots' &&
    (app.catalog.find(l => l.name === n).links || []).some(k => k.rel === 'data'));
  const layerSel = select('export-layer', names.map(n => [n, title(app.catalog.find(l => l.name === n))]),
    names.includes('incidents') ? 'incidents' : names[0], () => {});
  const fmtSel = select('export-format', [['csv', 'CSV'], ['geojson', 'GeoJSON'], ['kml', 'KML']], 'csv', () => {});
  const inView = h('input', { type: 'checkbox', id: 'export-view' });
  const msg = h('p', { class: 'export-msg small', role: 'status' });
  fill(el,
    h('h2', {}, t('export')),
    // Visible labels, tied to their selects (for="…"), not only aria-labels.
    h('label', { class: 'field', for: 'export-layer' }, h('span', {}, t('exportWhich')), layerSel),
    h('label', { class: 'field', for: 'export-format' }, h('span', {}, t('exportFormat')), fmtSel),
    h('label', { class: 'check' }, inView, ' ', t('exportView')),
    h('button', {
      type: 'button', class: 'btn primary', id: 'export-btn',
      onclick: async () => {
        msg.textContent = t('loading');
        try {
          await app.exportLayer(layerSel.value, fmtSel.value, inView.checked);
          msg.textContent = '';
        } catch (e) {
          msg.textContent = t('failed') + ': ' + e.message;
        }
      },
    }, t('exportLayer')),
    msg);
}

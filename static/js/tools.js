// The map's tools in the side panel: search (communities, streets and
// lanes, service points; staff also 工单编号 and address) that flies to the
// feature and opens its panel; copy link; print and PNG of the view with
// title, legend, time window, date and scale.

import { h, fill } from './dom.js';
import { t, title } from './i18n.js';
import * as api from './api.js';
import { showQR } from './qr.js';

const SEARCHABLE = ['communities', 'streets', 'service_points'];

/** The [minLon, minLat, maxLon, maxLat] of a GeoJSON geometry. */
export function geomBounds(g) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = c => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  walk(g.coordinates);
  return b;
}

/**
 * Renders the tools into el. app: {catalog, role, mapview, show(layer,
 * feature) (opens its panel), legend() (visible layers' legends),
 * windowLabel(), flushHash()}.
 */
export function renderTools(el, app) {
  const map = app.mapview.map;
  let index = null; // a promise of [{label, layer, feature}]
  let loaded = null; // the same list, once loaded
  const msg = h('p', { class: 'small', id: 'search-msg', role: 'status' });
  const list = h('datalist', { id: 'search-list' });
  const input = h('input', {
    type: 'search', id: 'search', list: 'search-list', autocomplete: 'off',
    placeholder: t(app.role === 'public' ? 'searchPlaceholder' : 'searchPlaceholderStaff'), 'aria-describedby': 'search-msg',
    onfocus: () => load(),
    // Enter searches even while the suggestion list is open (it would
    // otherwise only close the list); picking a suggestion searches too.
    onkeydown: e => { if (e.key === 'Enter' && !e.isComposing) { e.preventDefault(); search(input.value); } },
    oninput: e => { if (!e.inputType && loaded && loaded.some(x => x.label === input.value)) search(input.value); },
  });

  // The index loads once; callers that come while it loads (focus, then
  // Enter) wait for the same promise instead of getting a half-filled list.
  function load() {
    if (!index) index = build();
    return index;
  }

  async function build() {
    const index = [];
    const layers = app.catalog.filter(l => SEARCHABLE.includes(l.name) && l.label_field);
    const parts = await Promise.all(layers.map(l => api.getJSON(`/layers/${encodeURIComponent(l.name)}.geojson`)
      .then(fc => fc.features.map(f => ({ label: String(f.properties[l.label_field] || ''), layer: l.name, feature: f })))
      .catch(() => [])));
    const seen = new Set();
    for (const p of parts) {
      for (const e of p) {
        if (!e.label) continue;
        index.push(e);
        const key = e.label + '|' + e.layer;
        if (seen.has(key)) continue;
        seen.add(key);
        list.append(h('option', { value: e.label }, title(app.catalog.find(l => l.name === e.layer))));
      }
    }
    loaded = index;
    return index;
  }

  /** Staff: an incident by its 工单编号 or its address (exact). */
  async function findIncident(q) {
    if (!app.catalog.some(l => l.name === 'incidents') || app.role === 'public') return null;
    for (const field of ['external_id', 'address']) {
      try {
        const fc = await api.getJSON('/layers/incidents.geojson', { [field]: q });
        if (fc.features && fc.features.length) return { layer: 'incidents', feature: fc.features[0] };
      } catch { /* not a searchable value: try the next field */ }
    }
    return null;
  }

  async function search(q) {
    q = q.trim();
    if (!q) return;
    msg.textContent = t('loading');
    const idx = await load();
    let hit = idx.find(e => e.label === q) || idx.find(e => e.label.includes(q));
    if (!hit) hit = await findIncident(q);
    if (!hit) { msg.textContent = t('searchNone', { q }); return; }
    msg.textContent = '';
    const b = geomBounds(hit.feature.geometry);
    if (b[0] === b[2] && b[1] === b[3]) map.jumpTo({ center: [b[0], b[1]], zoom: Math.max(map.getZoom(), 16.5) });
    else map.fitBounds(b, { padding: 40, maxZoom: 17, duration: 0 });
    app.show(hit.layer, hit.feature);
  }

  const form = h('form', { class: 'search', role: 'search', onsubmit: e => { e.preventDefault(); search(input.value); } },
    h('label', { for: 'search', class: 'visually-hidden' }, t('search')),
    input, list,
    h('button', { type: 'submit', class: 'btn', id: 'search-btn' }, t('search')));

  const shareMsg = h('p', { class: 'small', id: 'share-msg', role: 'status' });
  const copy = h('button', {
    type: 'button', class: 'btn', id: 'copy-link',
    onclick: async () => {
      app.flushHash();
      const link = location.href;
      try {
        await navigator.clipboard.writeText(link);
        shareMsg.textContent = t('copied');
      } catch {
        // No clipboard (http on a LAN address): show the link, selected.
        const box = h('input', { type: 'text', readonly: true, value: link, class: 'link-box', 'aria-label': t('copyLink') });
        fill(shareMsg, box);
        box.select();
      }
    },
  }, t('copyLink'));
  const qr = h('button', {
    type: 'button', class: 'btn', id: 'qr-btn', 'aria-haspopup': 'dialog',
    onclick: () => { app.flushHash(); showQR(); },
  }, t('qr'));
  const print = h('button', { type: 'button', class: 'btn', id: 'print-btn', onclick: () => { preparePrint(app); window.print(); } }, t('print'));
  const png = h('button', {
    type: 'button', class: 'btn', id: 'png-btn',
    onclick: () => {
      const a = h('a', { href: viewPNG(app), download: `${t('title')}-${new Date().toISOString().slice(0, 10)}.png` });
      document.body.append(a);
      a.click();
      a.remove();
    },
  }, 'PNG');
  fill(el, h('h2', {}, t('search')), form, msg,
    h('div', { class: 'share-row', role: 'group', 'aria-label': t('share') }, copy, qr, print, png), shareMsg);
  return { search };
}

/** Fills the print header: title, time window, date; legend of the visible layers. */
function preparePrint(app) {
  let head = document.querySelector('#print-head');
  if (!head) {
    head = h('div', { id: 'print-head' });
    document.querySelector('main').prepend(head);
  }
  fill(head,
    h('h1', {}, t('title')),
    h('p', {}, `${t('time')}：${app.windowLabel()} · ${t('printed')}：${new Date().toLocaleString()}`),
    h('ul', { class: 'print-legend' }, app.legend().map(e => h('li', {}, h('span', { class: 'print-swatch', style: { background: e.color } }), e.text))));
}

/**
 * The view as a PNG data URL: the map canvas (drawn with
 * preserveDrawingBuffer) under a title, time window and date, with the
 * legend and the scale bar's text.
 */
export function viewPNG(app) {
  const map = app.mapview.map;
  const src = map.getCanvas();
  const legend = app.legend();
  const dpr = src.width / src.clientWidth || 1;
  const head = 56 * dpr;
  const c = document.createElement('canvas');
  c.width = src.width;
  c.height = src.height + head;
  const g = c.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, c.width, c.height);
  g.drawImage(src, 0, head);
  g.fillStyle = '#c92a2a';
  g.font = `600 ${18 * dpr}px sans-serif`;
  g.fillText(t('title'), 10 * dpr, 22 * dpr);
  g.fillStyle = '#212529';
  g.font = `${12 * dpr}px sans-serif`;
  g.fillText(`${t('time')}：${app.windowLabel()} · ${new Date().toLocaleString()}`, 10 * dpr, 44 * dpr);
  // Legend, bottom right, on white.
  const lh = 16 * dpr;
  const lw = 180 * dpr;
  const x0 = c.width - lw - 10 * dpr;
  let y = c.height - legend.length * lh - 16 * dpr;
  g.fillStyle = 'rgba(255,255,255,.9)';
  g.fillRect(x0 - 6 * dpr, y - 6 * dpr, lw + 12 * dpr, legend.length * lh + 12 * dpr);
  for (const e of legend) {
    g.fillStyle = e.color;
    g.fillRect(x0, y + 3 * dpr, 12 * dpr, 10 * dpr);
    g.fillStyle = '#212529';
    g.fillText(String(e.text).slice(0, 22), x0 + 18 * dpr, y + 12 * dpr);
    y += lh;
  }
  const scale = document.querySelector('.maplibregl-ctrl-scale');
  if (scale) {
    g.fillStyle = '#212529';
    g.fillText(`${t('scale')}：${scale.textContent}`, 10 * dpr, c.height - 10 * dpr);
  }
  return c.toDataURL('image/png');
}

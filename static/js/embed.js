// The chrome-less map for iframes (/embed): only the map, with the layers,
// view and filters of its query string:
//
//   /embed?layers=communities,hotspots&bbox=116.27,39.845,116.305,39.87
//         &datetime=2026-01-01/2026-03-31&category=停电&status=received
//         &lang=en&legend=1&token=mq_…   (token: for staff layers on an intranet dashboard)

import * as api from './api.js';
import * as i18n from './i18n.js';
import { t, title, formatValue } from './i18n.js';
import { datetime } from './timewin.js';
import { hotRes } from './state.js';
import { MapView } from './mapview.js';
import { communityLabels } from './labels.js';
import { hotspotHover } from './hover.js';
import { legendFor, setColors } from './styles.js';
import { h, swatch } from './dom.js';

/* global maplibregl */

performance.mark('mq:script');
// Start MapLibre's worker while the page's data loads.
if (window.maplibregl && maplibregl.prewarm) maplibregl.prewarm();

async function boot() {
  const q = new URLSearchParams(location.search);
  i18n.setLang(q.get('lang') === 'en' ? 'en' : 'zh');
  if (q.get('token')) api.useToken(q.get('token'));
  const [config, layersResp, { labels, patches }] = await Promise.all([
    api.getJSON('/config.json'),
    api.getJSON('/layers'),
    api.getJSON('/layers/communities.geojson').then(communityLabels).catch(() => communityLabels(null)),
  ]);
  i18n.setValues(layersResp.layers); // value names and colours come from /layers
  setColors(layersResp.layers);
  const wanted = (q.get('layers') || '').split(',').map(s => s.trim()).filter(Boolean);
  const catalog = wanted.length
    ? wanted.map(n => layersResp.layers.find(l => l.name === n)).filter(Boolean)
    : layersResp.layers.filter(l => l.name !== 'care_targets');
  const missing = wanted.filter(n => !catalog.some(l => l.name === n));
  if (missing.length) console.warn('minqing embed: no layer named', missing.join(', '));

  const bbox = (q.get('bbox') || '').split(',').map(Number);
  if (bbox.length === 4 && bbox.every(Number.isFinite)) config.bbox = bbox;
  const dt = q.get('datetime') || '';
  const filters = { category: q.get('category') || '', status: q.get('status') || '', source: q.get('source') || '' };
  // The public of an aggregates server gets whole closed months (the last
  // 12 by default) and no status; a datetime given in the URL is passed on.
  const agg = layersResp.role === 'public' && config.public_incidents !== 'points';
  if (agg) filters.status = '';
  const mapview = new MapView(document.querySelector('#map'), {
    config, catalog, patches, labels, embed: true,
    incidentParams: { datetime: dt || datetime(agg ? '12m' : 'today'), ...filters },
    hotspotParams: { datetime: dt || datetime(layersResp.role === 'public' ? '12m' : '30d'), category: filters.category, res: layersResp.role === 'public' ? '' : hotRes(q.get('res')) },
  });
  const map = mapview.map;
  const hover = hotspotHover(map, mapview, config);

  if (q.get('legend') === '1') {
    const tr = {
      t, title: n => title(catalog.find(l => l.name === n)), status: i18n.statusName,
      field: (layer, f) => title((catalog.find(l => l.name === layer) || { fields: [] }).fields.find(x => x.name === f)),
    };
    document.querySelector('#legend').append(h('details', { open: window.innerWidth >= 700 },
      h('summary', {}, t('legend')),
      catalog.map(l => h('section', {},
        h('h3', {}, title(l)),
        h('ul', { class: 'legend' }, legendFor(l.name, { patches, agg, minCount: config.min_count || 5 }, tr).map(e => h('li', {}, swatch(e), h('span', {}, e.text))))))));
    document.querySelector('#legend').hidden = false;
  }

  // A click shows the feature's label and fields in a popup. While it is
  // open the hover tooltip stays away (they would overlap), and the popup
  // is kept inside the iframe: MapLibre flips its anchor, keepInside
  // shifts and caps what still sticks out of a small frame.
  // closeOnClick is ours: a click on another feature moves the popup there
  // (MapLibre's would close it after the handler below opened it).
  const popup = new maplibregl.Popup({ maxWidth: '280px', className: 'embed-popup', closeOnClick: false });
  popup.on('open', () => hover.suspend(true));
  popup.on('close', () => hover.suspend(false));
  map.on('click', e => {
    const f = map.queryRenderedFeatures(e.point, { layers: mapview.clickable() })[0];
    if (!f) { popup.remove(); return; }
    const l = catalog.find(x => x.name === f.layer.id.split(':')[0]);
    const rows = l.fields.filter(fl => fl.name in f.properties).slice(0, 8)
      .map(fl => h('tr', {}, h('th', {}, title(fl)), h('td', {}, formatValue(fl, f.properties[fl.name]))));
    const head = 'count' in f.properties ? `${f.properties.count} ${t('aggregated')}` : (f.properties[l.label_field] || title(l));
    const box = map.getContainer();
    popup.setMaxWidth(Math.max(160, Math.min(280, box.clientWidth - 24)) + 'px');
    popup.setOffset(0);
    popup.setLngLat(e.lngLat).setDOMContent(h('div', { class: 'embed-pop', style: { maxHeight: Math.max(80, box.clientHeight - 40) + 'px' } },
      h('b', {}, head), h('table', { class: 'props' }, h('tbody', {}, rows)))).addTo(map);
    keepInside(popup, box);
  });

  const ready = new Promise(resolve => map.once('load', () => map.once('idle', () => {
    performance.mark('mq:first-render');
    resolve();
  })));
  window.minqing = { map, mapview, labels, catalog, role: layersResp.role, config, ready, popup, hover };
}

/**
 * Shifts an open popup (its offset) so that the whole of it lies inside
 * box, 4 px from the edges, once MapLibre has placed it.
 */
export function keepInside(popup, box) {
  const el = popup.getElement();
  if (!el) return;
  const b = box.getBoundingClientRect();
  const r = el.getBoundingClientRect();
  const pad = 4;
  let dx = 0, dy = 0;
  if (r.left < b.left + pad) dx = b.left + pad - r.left;
  else if (r.right > b.right - pad) dx = b.right - pad - r.right;
  if (r.top < b.top + pad) dy = b.top + pad - r.top;
  else if (r.bottom > b.bottom - pad) dy = b.bottom - pad - r.bottom;
  if (dx || dy) popup.setOffset([dx, dy]);
}

boot().catch(err => {
  console.error('minqing embed: the map could not start:', err);
  const el = document.querySelector('#fatal');
  if (el) { el.hidden = false; el.textContent = err.message; }
});

// The page's state, kept in the URL's hash so that a link shows the same
// map: view, visible layers and their opacity, the incident time window and
// filters, the hotspot window and category, the open panel and the language.
//
//   #map=14.5/39.8575/116.2875&layers=communities,streets&op=communities:0.5
//    &t=7d&cat=停电&st=received,dispatched&src=12345
//    &hw=30d&hc=停电&hr=9&sel=communities:新华街北里&lang=en

import { validWindow } from './timewin.js';

/**
 * The hot-spot cell sizes staff may choose (H3 resolutions). The overlay
 * uses one size at every zoom, 9 (about 0.1 km², street-wide) unless the
 * link says otherwise, so the same link shows the same hot spots on a
 * phone and on a desktop; the public always gets 9.
 */
export const HOT_RES = ['7', '8', '9', '10', '11'];
export const DEFAULT_HOT_RES = '9';

/** A hot-spot resolution from a link: one of HOT_RES, else the default. */
export function hotRes(v) { return HOT_RES.includes(v) ? v : DEFAULT_HOT_RES; }

/** A fresh state with the defaults; layers null means "every layer". */
export function defaults() {
  return {
    view: null, // {zoom, lat, lon}
    layers: null, // Set of visible layer names, or null for all
    opacity: {}, // name → 0..1, when not 1
    win: 'today', from: '', to: '',
    category: '', status: [], source: '',
    hot: { win: '30d', from: '', to: '', category: '', res: DEFAULT_HOT_RES },
    sel: null, // {layer, key}
    lang: 'zh',
  };
}

/** Reads the state from a hash string ("#…"). */
export function parse(hash) {
  const s = defaults();
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const map = (p.get('map') || '').split('/').map(Number);
  if (map.length === 3 && map.every(Number.isFinite)) s.view = { zoom: map[0], lat: map[1], lon: map[2] };
  if (p.has('layers')) s.layers = new Set(p.get('layers').split(',').filter(Boolean));
  for (const part of (p.get('op') || '').split(',')) {
    const [name, v] = part.split(':');
    const f = Number(v);
    if (name && Number.isFinite(f)) s.opacity[name] = Math.min(1, Math.max(0, f));
  }
  const win = p.get('t');
  if (win && validWindow(win)) s.win = win;
  s.from = p.get('from') || '';
  s.to = p.get('to') || '';
  s.category = p.get('cat') || '';
  s.status = (p.get('st') || '').split(',').filter(Boolean);
  s.source = p.get('src') || '';
  const hw = p.get('hw');
  if (hw && validWindow(hw)) s.hot.win = hw;
  s.hot.from = p.get('hfrom') || '';
  s.hot.to = p.get('hto') || '';
  s.hot.category = p.get('hc') || '';
  s.hot.res = hotRes(p.get('hr'));
  const sel = p.get('sel');
  if (sel && sel.includes(':')) {
    const i = sel.indexOf(':');
    s.sel = { layer: sel.slice(0, i), key: sel.slice(i + 1) };
  }
  s.lang = p.get('lang') === 'en' ? 'en' : 'zh';
  return s;
}

/** Writes the state as a hash string, leaving defaults out. */
export function format(s) {
  const d = defaults();
  const p = new URLSearchParams();
  if (s.view) p.set('map', `${s.view.zoom.toFixed(2)}/${s.view.lat.toFixed(5)}/${s.view.lon.toFixed(5)}`);
  if (s.layers) p.set('layers', [...s.layers].join(','));
  const op = Object.entries(s.opacity).filter(([, v]) => v < 1).map(([k, v]) => `${k}:${v.toFixed(2)}`);
  if (op.length) p.set('op', op.join(','));
  if (s.win !== d.win) p.set('t', s.win);
  if (s.win === 'custom') { if (s.from) p.set('from', s.from); if (s.to) p.set('to', s.to); }
  if (s.category) p.set('cat', s.category);
  if (s.status.length) p.set('st', s.status.join(','));
  if (s.source) p.set('src', s.source);
  if (s.hot.win !== d.hot.win) p.set('hw', s.hot.win);
  if (s.hot.win === 'custom') { if (s.hot.from) p.set('hfrom', s.hot.from); if (s.hot.to) p.set('hto', s.hot.to); }
  if (s.hot.category) p.set('hc', s.hot.category);
  if (s.hot.res && s.hot.res !== d.hot.res) p.set('hr', s.hot.res);
  if (s.sel) p.set('sel', `${s.sel.layer}:${s.sel.key}`);
  if (s.lang !== 'zh') p.set('lang', s.lang);
  const q = p.toString().replaceAll('%2C', ',').replaceAll('%2F', '/').replaceAll('%3A', ':');
  return q ? '#' + q : '';
}

// Hovering a hotspot hexagon shows its incident count (or why it is hidden)
// and what its class means, in plain words. The tooltip goes on a click (a
// click opens a panel or a popup, which it must not cover) and stays away
// while the caller says so (suspend(true): the embed's popup is open).

import { h } from './dom.js';
import { t } from './i18n.js';
import { HOTSPOT_COLORS } from './styles.js';

/* global maplibregl */

export function hotspotHover(map, mapview, config) {
  const ids = mapview.ids('hotspots').filter(id => id.endsWith(':fill'));
  const ctl = { hide() {}, suspend() {}, get open() { return false; } };
  if (!ids.length) return ctl;
  const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, className: 'hot-popup', offset: 8 });
  let shown = null;
  let suspended = false;
  const hide = () => { popup.remove(); shown = null; };
  ctl.hide = hide;
  ctl.suspend = on => { suspended = !!on; if (suspended) hide(); };
  Object.defineProperty(ctl, 'open', { get: () => popup.isOpen() });
  map.on('click', hide);
  map.on('mousemove', e => {
    const f = !suspended && mapview.visible.hotspots && map.queryRenderedFeatures(e.point, { layers: ids })[0];
    if (!f) {
      if (shown) { popup.remove(); shown = null; }
      return;
    }
    const p = f.properties;
    const key = p.h3 || f.id;
    popup.setLngLat(e.lngLat);
    if (shown === key) return;
    shown = key;
    const count = p.count !== undefined && p.count !== null
      ? Number(p.count).toLocaleString()
      : t('suppressed', { n: config.min_count || 5 });
    popup.setDOMContent(h('div', { class: 'hot-tip' },
      h('div', { class: 'hot-class' }, h('span', { class: 'dot', style: { background: HOTSPOT_COLORS[p.class] || '#ccc' } }), ' ', t(p.class || 'not-significant')),
      h('div', {}, t('hotHover'), ': ', h('b', { class: 'hot-count' }, count)),
      p.z !== undefined ? h('div', { class: 'muted small' }, t('zscore'), ' ', Number(p.z).toFixed(2)) : null));
    if (!popup.isOpen()) popup.addTo(map);
  });
  map.on('mouseout', hide);
  return ctl;
}

// The staff list of the incidents in view, next to the map: the points
// the incident tiles hold for the current view and filters, newest first;
// a click (or Enter) opens an incident's panel. Below the zoom where
// incidents are single points, it asks to zoom in.

import { h, fill } from './dom.js';
import { t, statusName } from './i18n.js';

const MAX = 50;

/** Mounts the list into el for staff; app: {role, mapview, show(layer, feature)}. */
export function renderInView(el, app) {
  if (app.role === 'public' || !app.catalog.some(l => l.name === 'incidents')) { el.hidden = true; return null; }
  el.hidden = false;
  const map = app.mapview.map;
  const head = h('h2', { id: 'inview-title' });
  const list = h('ul', { class: 'inview-list', 'aria-labelledby': 'inview-title' });
  const note = h('p', { class: 'small muted' });
  fill(el, head, note, list);
  function update() {
    const n = app.mapview.incidentCount();
    if (n === null) { head.textContent = t('inView'); note.textContent = ''; list.replaceChildren(); return; }
    const b = map.getBounds();
    const byId = new Map();
    let aggregated = false;
    for (const f of map.querySourceFeatures('incidents', { sourceLayer: 'incidents' })) {
      if (f.properties.count !== undefined) { aggregated = true; continue; }
      if (f.geometry.type !== 'Point' || !b.contains(f.geometry.coordinates)) continue;
      byId.set(f.id ?? f.properties.external_id, f);
    }
    const fs = [...byId.values()].sort((a, c) => String(c.properties.received_at || '').localeCompare(String(a.properties.received_at || '')));
    head.textContent = `${t('inView')}（${fs.length}）`;
    note.textContent = aggregated && !fs.length ? t('zoomIn') : fs.length > MAX ? t('firstN', { n: MAX }) : '';
    list.replaceChildren(...fs.slice(0, MAX).map(f => {
      const p = f.properties;
      const open = () => app.show('incidents', { type: 'Feature', id: f.id, geometry: f.geometry, properties: p });
      return h('li', {}, h('button', { type: 'button', class: 'inview-item', onclick: open },
        h('span', { class: 'inview-cat' }, p.category || ''), ' ',
        h('span', { class: 'small muted' }, [statusName(p.status), p.address || p.community || ''].filter(Boolean).join(' · '))));
    }));
  }
  // Rendered again on a language switch: one listener at a time.
  if (el.inviewUpdate) map.off('idle', el.inviewUpdate);
  el.inviewUpdate = update;
  map.on('idle', update);
  try { update(); } catch { /* the style is still loading: the first idle fills it */ }
  return { update };
}

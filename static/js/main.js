// The 民情图 page (/): loads /config.json and /layers (as the caller may see
// them), builds the map, the layer list, the time bar, the filters and the
// panels, and keeps the state in the URL's hash. window.minqing exposes the
// map for the browser tests.

import * as api from './api.js';
import * as i18n from './i18n.js';
import { t } from './i18n.js';
import * as urlState from './state.js';
import { datetime, publicWindow } from './timewin.js';
import { MapView, draw } from './mapview.js';
import { communityLabels } from './labels.js';
import { InfoPanel } from './panels.js';
import { renderLayers, renderFilters, renderExport } from './sidebar.js';
import { renderTimebar, windowLabel } from './timebar.js';
import { hotspotHover } from './hover.js';
import { h, fill } from './dom.js';
import { intakeTool } from './intake.js';
import { liveUpdates } from './live.js';
import { mountImport } from './importer.js';
import { renderTools } from './tools.js';
import { renderTrend } from './trend.js';
import { renderInView } from './inview.js';
import { legendFor, setColors } from './styles.js';

/* global maplibregl */

performance.mark('mq:script');
// Start MapLibre's worker while the page's data loads.
if (window.maplibregl && maplibregl.prewarm) maplibregl.prewarm();

const $ = sel => document.querySelector(sel);

/** /layers for the stored token; an unknown or revoked token is dropped. */
async function loadLayers() {
  try {
    return await api.getJSON('/layers');
  } catch (e) {
    if (e.status === 401 && api.hasToken()) {
      api.saveToken(null);
      const res = await api.getJSON('/layers');
      res.tokenDropped = true;
      return res;
    }
    throw e;
  }
}

function incidentParams(s) {
  if (s.agg) return { datetime: datetime(s.win, s.from, s.to), category: s.category, source: s.category ? '' : s.source };
  return { datetime: datetime(s.win, s.from, s.to), category: s.category, status: s.status, source: s.source };
}

function hotspotParams(s) {
  return { datetime: datetime(s.hot.win, s.hot.from, s.hot.to), category: s.hot.category, res: s.publicHot ? '' : s.hot.res };
}

/** Public hot spots are computed from the published table, whatever the policy: whole months, res 9. */
function fitPublicHotspots(st) {
  st.publicHot = true;
  st.hot.win = publicWindow(st.hot.win);
  st.hot.res = '';
}

/**
 * A public caller of a server that publishes incidents as aggregates gets
 * monthly counts per H3 cell (see docs/privacy.md): whole closed months, a
 * category or a source (not both), no status. The state is made to fit.
 */
function fitPublic(st) {
  st.agg = true;
  st.win = publicWindow(st.win);
  st.status = [];
  if (st.category) st.source = '';
}

/**
 * The notes over the map: a banner while the server or its tiles fail
 * (MapLibre error events, fetches that get no answer or a 5xx), gone once
 * they answer again; "0 条" when the window has no incident in view; and a
 * note when no hot-spot cell is significant at the chosen cell size.
 */
function mapNotes(map, mapview) {
  const banner = $('#net-error');
  const empty = $('#win-empty');
  const hotNone = $('#hot-none');
  const failing = new Set(); // 'api', 'tiles'
  const show = () => {
    banner.hidden = !failing.size;
    banner.textContent = failing.size ? t('netError') : '';
  };
  const fail = what => { failing.add(what); show(); };
  const ok = what => { if (failing.delete(what)) show(); };
  window.addEventListener('minqing:net', e => (e.detail.ok ? ok('api') : fail('api')));
  map.on('error', e => {
    const status = e.error && e.error.status;
    // A 4xx of a tile is a bad link, not an outage; aborted tiles are not errors.
    if (status && status < 500) return;
    if (e.error && e.error.name === 'AbortError') return;
    fail('tiles');
  });
  map.on('data', e => { if (e.dataType === 'source' && e.tile && e.tile.state === 'loaded') ok('tiles'); });
  const update = () => {
    const n = mapview.incidentCount();
    empty.hidden = n !== 0 || failing.size > 0;
    empty.textContent = n === 0 ? t('emptyWindow') : '';
    const hc = mapview.hotspotCells();
    hotNone.hidden = !(hc && hc.cells > 0 && hc.significant === 0);
    hotNone.textContent = t('hotNone');
  };
  map.on('idle', update);
  return { update, failing };
}

async function boot() {
  const st = urlState.parse(location.hash);
  i18n.setLang(st.lang);
  api.loadToken();
  const [config, layersResp, { labels, patches }] = await Promise.all([
    api.getJSON('/config.json'),
    loadLayers(),
    api.getJSON('/layers/communities.geojson').then(communityLabels).catch(() => communityLabels(null)),
  ]);
  performance.mark('mq:data');
  const catalog = layersResp.layers;
  i18n.setValues(catalog); // value names and colours come from /layers
  setColors(catalog);
  const role = layersResp.role;
  if (role === 'public') fitPublicHotspots(st);
  if (role === 'public' && config.public_incidents !== 'points') fitPublic(st);
  const ctx = { patches, agg: !!st.agg, minCount: config.min_count || 5, staff: role !== 'public' };

  const mapview = new MapView($('#map'), {
    config, catalog, patches, labels, view: st.view,
    hidden: st.layers ? new Set(catalog.map(l => l.name).filter(n => !st.layers.has(n))) : null,
    incidentParams: incidentParams(st), hotspotParams: hotspotParams(st),
  });
  const map = mapview.map;

  let hashTimer = null;
  const writeHash = () => {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(() => {
      const visible = catalog.filter(l => mapview.visible[l.name]).map(l => l.name);
      st.layers = visible.length === catalog.length ? null : new Set(visible);
      const hash = urlState.format(st);
      history.replaceState(null, '', hash || location.pathname + location.search);
    }, 150);
  };

  const panel = new InfoPanel($('#info'), catalog, () => { st.sel = null; writeHash(); });
  const panelCtx = () => ({
    datetime: datetime(st.win, st.from, st.to),
    windowLabel: windowLabel(st),
    agg: !!st.agg, minCount: config.min_count || 5, incidentParams: incidentParams(st),
    zoomTo: f => map.easeTo({ center: f.geometry.type === 'Point' ? f.geometry.coordinates : map.getCenter(), zoom: Math.max(15.2, map.getZoom() + 2) }),
  });

  const app = {
    catalog, role, state: st, mapview, ctx, config, labels,
    agg: !!st.agg,
    changed: writeHash,
    filtersChanged() { mapview.setIncidentParams(incidentParams(st)); writeHash(); },
    timeChanged() { mapview.setIncidentParams(incidentParams(st)); panel.refresh(panelCtx()); writeHash(); },
    hotChanged() { mapview.setHotspotParams(hotspotParams(st)); writeHash(); },
    async exportLayer(name, format, inView) {
      const l = catalog.find(x => x.name === name);
      const params = {};
      if (name === 'incidents') Object.assign(params, incidentParams(st));
      if (inView) params.bbox = map.getBounds().toArray().flat().map(v => v.toFixed(6)).join(',');
      if (format === 'csv') params.headers = i18n.lang() === 'en' ? 'en' : 'zh';
      // Values in the language of the headers: 已关闭/是 or Closed/yes.
      if (format !== 'geojson') params.lang = i18n.lang() === 'en' ? 'en' : 'zh';
      await api.download(`/export/${encodeURIComponent(l.name)}.${format}`, params, `${l.name}.${format}`);
    },
  };

  app.show = (layer, f) => {
    const l = catalog.find(x => x.name === layer);
    const key = l && l.label_field && (layer === 'communities' || layer === 'streets') ? f.properties[l.label_field] : null;
    st.sel = key ? { layer, key } : null;
    writeHash();
    document.body.classList.remove('side-open');
    if (app.hover) app.hover.hide(); // the tooltip never covers a panel
    if (layer === 'communities' && app.trend) app.trend.setArea(f.properties.name);
    app.lastPanel = panel.show(layer, f, panelCtx());
  };
  app.windowLabel = () => windowLabel(st);
  app.flushHash = () => {
    const visible = catalog.filter(l => mapview.visible[l.name]).map(l => l.name);
    st.layers = visible.length === catalog.length ? null : new Set(visible);
    history.replaceState(null, '', urlState.format(st) || location.pathname + location.search);
  };
  app.legend = () => {
    const tr = { t, title: name => i18n.title(catalog.find(l => l.name === name)), status: i18n.statusName,
      field: () => '' };
    return draw(catalog).filter(n => mapview.visible[n]).flatMap(n => legendFor(n, ctx, tr).map(e => ({ ...e, text: e.text })));
  };

  let timebar = null;
  function renderChrome() {
    i18n.apply();
    document.title = t('title');
    renderLayers($('#layers'), app);
    renderFilters($('#filters'), app);
    renderExport($('#export'), app);
    renderTools($('#tools'), app);
    renderInView($('#inview'), app);
    if (app.trend) app.trend.destroy();
    app.trend = renderTrend($('#trend'), app); // drawn once the map is (trend.js)
    if (app.drawn) app.trend.draw();
    if (timebar) timebar.stop();
    timebar = renderTimebar($('#timebar'), app);
    const roleKey = { public: 'rolePublic', staff: 'roleStaff', admin: 'roleAdmin' }[role] || 'rolePublic';
    fill($('#role'), h('span', { class: 'badge ' + role }, t(roleKey)));
    $('#login-btn').textContent = api.hasToken() ? t('logout') : t('login');
    $('#lang-btn').textContent = t('lang');
    $('#basemap-note').hidden = !config.basemap;
    $('#version').textContent = 'minqing ' + config.version;
    if (role === 'admin') mountImport(catalog);
  }
  renderChrome();
  if (layersResp.tokenDropped) $('#login-msg').textContent = t('tokenBad');

  $('#lang-btn').addEventListener('click', () => {
    st.lang = i18n.lang() === 'en' ? 'zh' : 'en';
    i18n.setLang(st.lang);
    renderChrome();
    panel.refresh(panelCtx());
    writeHash();
  });

  // Staff login: the token is checked against /layers, then kept in this
  // tab's sessionStorage; the page reloads to draw the staff layers.
  const dialog = $('#login-dialog');
  $('#login-btn').addEventListener('click', () => {
    if (api.hasToken()) {
      api.saveToken(null);
      location.reload();
      return;
    }
    $('#login-error').textContent = '';
    dialog.showModal();
    $('#token').focus();
  });
  $('#login-cancel').addEventListener('click', () => dialog.close());
  $('#login-form').addEventListener('submit', async e => {
    e.preventDefault();
    const tok = $('#token').value.trim();
    if (!tok) return;
    try {
      const res = await api.getJSON('/layers', null, { token: tok });
      if (res.role === 'public') throw new Error(t('tokenBad'));
      api.saveToken(tok);
      location.reload();
    } catch (err) {
      $('#login-error').textContent = err.status === 401 ? t('tokenBad') : err.message;
    }
  });

  // The drawer (narrow screens): ☰ opens and closes it; a tap on the map
  // closes it, and on a phone a tap on nothing closes the bottom sheet too.
  const sideToggle = $('#side-toggle');
  const setSide = open => {
    document.body.classList.toggle('side-open', open);
    sideToggle.setAttribute('aria-expanded', String(open));
  };
  setSide(false);
  sideToggle.setAttribute('aria-controls', 'side');
  sideToggle.addEventListener('click', () => setSide(!document.body.classList.contains('side-open')));
  const narrow = window.matchMedia('(max-width: 820px)');

  // The canvas follows its box on every layout change (the header wrapping
  // on a phone, the drawer, the window), not only on window resizes.
  if (window.ResizeObserver) new ResizeObserver(() => map.resize()).observe($('#map'));

  map.on('moveend', () => {
    const c = map.getCenter();
    st.view = { zoom: map.getZoom(), lat: c.lat, lon: c.lng };
    writeHash();
  });

  app.intake = intakeTool(map, app);
  app.live = liveUpdates(['incidents'], () => { app.liveChanges = (app.liveChanges || 0) + 1; app.filtersChanged(); });
  map.on('click', e => {
    if (app.picking) return;
    if (document.body.classList.contains('side-open')) { setSide(false); return; }
    const hits = map.queryRenderedFeatures(e.point, { layers: mapview.clickable() });
    if (!hits.length) {
      if (narrow.matches && !$('#info').hidden) { panel.close(); st.sel = null; writeHash(); }
      return;
    }
    const f = hits[0];
    const layer = f.layer.id.split(':')[0];
    const l = catalog.find(x => x.name === layer);
    const key = l && l.label_field && (layer === 'communities' || layer === 'streets') ? f.properties[l.label_field] : null;
    st.sel = key ? { layer, key } : null;
    writeHash();
    if (layer === 'communities') app.trend.setArea(f.properties.name);
    app.lastPanel = panel.show(layer, f, panelCtx());
  });
  map.on('mousemove', e => {
    const ids = mapview.clickable();
    map.getCanvas().style.cursor = ids.length && map.queryRenderedFeatures(e.point, { layers: ids }).length ? 'pointer' : '';
  });
  app.hover = hotspotHover(map, mapview, config);
  app.notes = mapNotes(map, mapview);

  const ready = new Promise(resolve => {
    map.once('load', () => {
      performance.mark('mq:map-load');
      for (const l of catalog) {
        if (st.opacity[l.name] !== undefined) mapview.setOpacity(l.name, st.opacity[l.name]);
      }
      map.once('idle', () => {
        performance.mark('mq:first-render');
        app.drawn = true;
        app.trend.draw();
        resolve();
      });
    });
  });
  window.minqing = { map, mapview, labels, state: st, catalog, role, config, ready, panel, app };

  // A shared link with an open panel (sel=communities:新华街北里).
  if (st.sel) {
    const l = catalog.find(x => x.name === st.sel.layer);
    if (l && l.label_field) {
      api.getJSON(`/layers/${encodeURIComponent(l.name)}.geojson`, { [l.label_field]: st.sel.key })
        .then(fc => { if (fc.features.length) app.lastPanel = panel.show(l.name, fc.features[0], panelCtx()); })
        .catch(() => {});
    }
  }
}

boot().catch(err => {
  console.error('minqing: the map could not start:', err);
  const el = document.querySelector('#fatal');
  if (el) { el.hidden = false; el.textContent = '地图加载失败 / The map could not load: ' + err.message; }
});

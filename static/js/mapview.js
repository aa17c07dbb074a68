// The MapLibre map: one vector source for the layers that do not change
// with the filters, one for incidents (time window, category, status,
// source) and one for the hotspot overlay, each drawn by styles.js. Labels
// are drawn from the browser's own fonts (the style has no glyphs URL), so
// the map asks nothing of any other server unless a basemap is configured.

import { layersFor, LEVELS, OPACITY_PROPS, overdueFilter } from './styles.js';
import { hasToken, transformRequest, url } from './api.js';

/* global maplibregl */

const FILTERED = new Set(['incidents', 'hotspots']);

/** Layers whose tiles come from the base source (no filters). */
export function baseLayers(catalog) {
  return catalog.filter(l => !FILTERED.has(l.name)).map(l => l.name);
}

function tileURL(path, params) {
  // MapLibre fills {z}/{x}/{y}: keep the braces out of URL encoding.
  return url(path, params).replace(/%7B/g, '{').replace(/%7D/g, '}');
}

export function incidentTiles(params) { return tileURL('/tiles/incidents/{z}/{x}/{y}.mvt', params); }
export function hotspotTiles(params) { return tileURL('/tiles/hotspots/{z}/{x}/{y}.mvt', params); }

/** A PMTiles vector basemap of the server (serve --basemap FILE.pmtiles), drawn plainly: water blue, other areas and lines grey. */
function vectorBasemap(bm, sources) {
  sources.basemap = { type: 'vector', tiles: [bm.url], minzoom: bm.minzoom || 0, maxzoom: bm.maxzoom || 14 };
  const out = [];
  for (const id of bm.layers || []) {
    const water = /water|ocean|river|lake/i.test(id);
    out.push({ id: `basemap-${id}-fill`, type: 'fill', source: 'basemap', 'source-layer': id,
      filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': water ? '#cfe3f0' : '#e9e5dc' } });
    out.push({ id: `basemap-${id}-line`, type: 'line', source: 'basemap', 'source-layer': id,
      filter: ['==', ['geometry-type'], 'LineString'], paint: { 'line-color': water ? '#a9c9e0' : '#d3cdc1', 'line-width': 1 } });
  }
  return out;
}

/**
 * A map of 丰台街道. opts: {config, catalog (from /layers), patches (names),
 * labels (GeoJSON label points, see labels.js), hidden (Set of layer
 * names to start hidden), incidentParams, hotspotParams, view, embed}.
 */
export class MapView {
  constructor(container, opts) {
    this.catalog = opts.catalog;
    this.byName = Object.fromEntries(opts.catalog.map(l => [l.name, l]));
    this.ctx = { patches: opts.patches };
    this.defs = {}; // name → MapLibre layer definitions
    this.opacity = {};
    // Layers start hidden when opts.hidden names them (from a shared link).
    this.visible = Object.fromEntries(opts.catalog.map(l => [l.name, !(opts.hidden && opts.hidden.has(l.name))]));
    const style = this._style(opts);
    const cfg = opts.config;
    const mapOpts = {
      container, style, transformRequest,
      attributionControl: { compact: true, customAttribution: '丰台街道民情图' },
      localIdeographFontFamily: 'PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif',
      maxZoom: 19, minZoom: 9, hash: false, dragRotate: false, pitchWithRotate: false,
      fadeDuration: 0,
      // Keeps the last frame readable, for the PNG of the view (tools.js).
      canvasContextAttributes: { preserveDrawingBuffer: true },
    };
    if (opts.view) {
      mapOpts.center = [opts.view.lon, opts.view.lat];
      mapOpts.zoom = opts.view.zoom;
    } else {
      mapOpts.bounds = cfg.bbox;
      mapOpts.fitBoundsOptions = { padding: 20 };
    }
    if (cfg.basemap && cfg.basemap.type === 'style') {
      mapOpts.style = cfg.basemap.url;
    }
    this.map = new maplibregl.Map(mapOpts);
    this.map.touchZoomRotate.disableRotation();
    if (!opts.embed) this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    if (cfg.basemap && cfg.basemap.type === 'style') {
      this.map.once('style.load', () => this._addOwn(style));
    }
    // Overdue rings are judged against the browser's clock: once a minute.
    this._overdueTimer = setInterval(() => this.refreshOverdue(), 60000);
  }

  /** Re-judges which incidents are overdue (the red rings) at now. */
  refreshOverdue(now = Date.now() / 1000) {
    if (this.map.getLayer('incidents:overdue')) this.map.setFilter('incidents:overdue', overdueFilter(now));
  }

  _style(opts) {
    const sources = {};
    const base = baseLayers(this.catalog);
    const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } }];
    const cfg = opts.config;
    if (cfg.basemap && cfg.basemap.type === 'raster') {
      sources.basemap = { type: 'raster', tiles: [cfg.basemap.url], tileSize: 256, minzoom: cfg.basemap.minzoom || 0, maxzoom: cfg.basemap.maxzoom || 18 };
      layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
    }
    if (cfg.basemap && cfg.basemap.type === 'vector') layers.push(...vectorBasemap(cfg.basemap, sources));
    if (base.length) {
      // Without a token, the unfiltered layers may come from static tiles (serve --tiles-base-url).
      const tiles = cfg.tiles_base_url && !hasToken() ? cfg.tiles_base_url : tileURL(`/tiles/${base.join(',')}/{z}/{x}/{y}.mvt`);
      sources.base = { type: 'vector', tiles: [tiles], minzoom: 10, maxzoom: 16 };
    }
    sources.labels = { type: 'geojson', data: opts.labels || { type: 'FeatureCollection', features: [] } };
    if (this.byName.incidents) {
      sources.incidents = { type: 'vector', tiles: [incidentTiles(opts.incidentParams)], minzoom: 10, maxzoom: 19 };
    }
    if (this.byName.hotspots) {
      sources.hotspots = { type: 'vector', tiles: [hotspotTiles(opts.hotspotParams)], minzoom: 10, maxzoom: 16 };
    }
    const groups = Object.fromEntries(LEVELS.map(l => [l, []]));
    // Bottom to top within a level: the order of draw().
    for (const name of draw(this.catalog)) {
      const src = name === 'incidents' ? 'incidents' : name === 'hotspots' ? 'hotspots' : 'base';
      const g = layersFor(name, src, this.ctx);
      const l = this.byName[name];
      this.defs[name] = [];
      for (const level of LEVELS) {
        for (const def of g[level] || []) {
          if (l.minzoom && !def.minzoom) def.minzoom = l.minzoom;
          def.layout = { ...(def.layout || {}), visibility: this.visible[name] === false ? 'none' : 'visible' };
          this.defs[name].push(def);
          groups[level].push(def);
        }
      }
      this.opacity[name] = 1;
    }
    for (const level of LEVELS) layers.push(...groups[level]);
    return { version: 8, sources, layers };
  }

  // With a basemap style, our sources and layers go on top of it.
  _addOwn(style) {
    for (const [id, src] of Object.entries(style.sources)) if (!this.map.getSource(id)) this.map.addSource(id, src);
    for (const l of style.layers) if (l.id !== 'background' && !this.map.getLayer(l.id)) this.map.addLayer(l);
  }

  /** MapLibre layer ids of a catalog layer. */
  ids(name) { return (this.defs[name] || []).map(d => d.id); }

  /** Shows or hides a catalog layer. */
  setVisible(name, on) {
    this.visible[name] = on;
    for (const id of this.ids(name)) {
      if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
    }
  }

  /** Scales a catalog layer's opacity (0..1). */
  setOpacity(name, v) {
    this.opacity[name] = v;
    for (const def of this.defs[name] || []) {
      for (const prop of OPACITY_PROPS[def.type] || []) {
        const base = def.paint && def.paint[prop] !== undefined ? def.paint[prop] : 1;
        const value = typeof base === 'number' ? base * v : ['*', v, base];
        if (this.map.getLayer(def.id)) this.map.setPaintProperty(def.id, prop, value);
      }
    }
  }

  /** New incident filters: the incident tiles are fetched again. */
  setIncidentParams(params) {
    const s = this.map.getSource('incidents');
    if (s) s.setTiles([incidentTiles(params)]);
  }

  /** New hotspot parameters (window, category, resolution). */
  setHotspotParams(params) {
    const s = this.map.getSource('hotspots');
    if (s) s.setTiles([hotspotTiles(params)]);
  }

  /** Clickable MapLibre layer ids, topmost first. */
  clickable() {
    const order = ['incidents', 'care_targets', 'service_points', 'demolitions', 'streets', 'greening', 'communities'];
    const out = [];
    for (const name of order) {
      for (const def of this.defs[name] || []) {
        if (def.type !== 'symbol' && def.id !== 'communities:line' && this.visible[name]) out.push(def.id);
      }
    }
    return out;
  }

  /**
   * The incidents (points, or cells with a count) loaded for the view, or
   * null while the layer is hidden or loading.
   */
  incidentCount() {
    if (!this.visible.incidents || !this.map.getSource('incidents') || !this.map.isSourceLoaded('incidents')) return null;
    const b = this.map.getBounds();
    return this.map.querySourceFeatures('incidents', { sourceLayer: 'incidents' })
      .filter(f => f.geometry.type !== 'Point' || b.contains(f.geometry.coordinates)).length;
  }

  /**
   * The hot-spot cells loaded for the view: {cells, significant} (cells
   * whose class is not "not-significant"), or null while the overlay is
   * hidden or still loading.
   */
  hotspotCells() {
    if (!this.visible.hotspots || !this.map.getSource('hotspots') || !this.map.isSourceLoaded('hotspots')) return null;
    const fs = this.map.querySourceFeatures('hotspots', { sourceLayer: 'hotspots' });
    return { cells: fs.length, significant: fs.filter(f => f.properties.class && f.properties.class !== 'not-significant').length };
  }

  /** Number of rendered features of a catalog layer in the view (for tests). */
  renderedCount(name) {
    const ids = this.ids(name).filter(id => this.map.getLayer(id));
    return ids.length ? this.map.queryRenderedFeatures({ layers: ids }).length : 0;
  }
}

/** Catalog layer names bottom to top. */
export function draw(catalog) {
  const order = ['communities', 'patches', 'greening', 'hotspots', 'streets', 'demolitions', 'service_points', 'care_targets', 'incidents'];
  const names = catalog.map(l => l.name);
  return [...order.filter(n => names.includes(n)), ...names.filter(n => !order.includes(n))];
}

// How each layer is drawn, and its legend from the same colours. A layer's
// MapLibre layers all have ids starting with "<name>:"; opacity() lists the
// paint properties the layer panel's opacity slider scales.

import { valueName } from './i18n.js';

export const FONT = ['PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'sans-serif'];

// Patch fills keep clear of the hotspot reds and blues and the incident
// oranges, so an overlay reads on top of them.
export const PATCH_COLORS = ['#66c2a5', '#b39ddb', '#e0c97f', '#a6d854', '#c9a98c', '#8dd3c7', '#fccde5', '#bebada'];

// The colours of vocabulary values come from /layers (fields[].values,
// served from layers/labels.go); setColors fills these from the catalog
// before the map is drawn. Line widths are drawing, so they stay here.
export const STREET_KINDS = { 街: { color: '#999', width: 4 }, 巷: { color: '#999', width: 2 } };
export const DEMOLITION_COLORS = {};
export const STATUS_COLORS = {};

/** Fills the value colours above from /layers' catalog. */
export function setColors(catalog) {
  const values = (layer, field) => {
    const l = (catalog || []).find(x => x.name === layer);
    const f = l && (l.fields || []).find(x => x.name === field);
    return (f && f.values) || [];
  };
  for (const v of values('incidents', 'status')) STATUS_COLORS[v.value] = v.color;
  for (const v of values('demolitions', 'kind')) DEMOLITION_COLORS[v.value] = v.color;
  for (const v of values('streets', 'kind')) {
    if (STREET_KINDS[v.value]) STREET_KINDS[v.value].color = v.color;
    else STREET_KINDS[v.value] = { color: v.color, width: 2 };
  }
}

export const HOTSPOT_CLASSES = ['hot-99', 'hot-95', 'hot-90', 'not-significant', 'cold-90', 'cold-95', 'cold-99'];
export const HOTSPOT_COLORS = {
  'hot-99': '#b2182b', 'hot-95': '#ef6548', 'hot-90': '#fdae91',
  'not-significant': '#f0f0f0',
  'cold-90': '#9ecae1', 'cold-95': '#4a90c8', 'cold-99': '#2166ac',
};

const GREEN = '#2f9e44';
const SERVICE = '#1c7ed6';
const CARE = '#7048e8';
const CLUSTER = '#c2255c';
export const OVERDUE = '#e03131';

/**
 * Whether an incident point is overdue at now (Unix seconds), from the due
 * times staff tiles carry (times are epoch seconds): open (received,
 * dispatched, in progress) and past its resolution deadline, or past its
 * response deadline with the caller not contacted — the server's
 * ?overdue=response|resolution (query/selection/overdue.go).
 */
export function overdueFilter(now) {
  const past = f => ['all', ['has', f], ['<', ['to-number', ['get', f]], now]];
  return ['all', ['!', ['has', 'count']],
    ['match', ['get', 'status'], ['received', 'dispatched', 'in_progress'], true, false],
    ['any', past('resolution_due'), ['all', past('response_due'), ['==', ['get', 'responded_at'], null]]]];
}

function match(prop, colors, fallback) {
  const m = ['match', ['get', prop]];
  for (const [k, v] of Object.entries(colors)) m.push(k, v);
  if (m.length === 2) return fallback; // a match needs one branch at least
  m.push(fallback);
  return m;
}

function label(id, source, sourceLayer, field, opts = {}) {
  return {
    id, type: 'symbol', source, ...(sourceLayer ? { 'source-layer': sourceLayer } : {}),
    ...(opts.filter ? { filter: opts.filter } : {}),
    minzoom: opts.minzoom ?? 0,
    layout: {
      'text-field': ['get', field], 'text-font': FONT, 'text-size': opts.size ?? 12,
      'text-allow-overlap': false, 'text-padding': 2, 'symbol-sort-key': opts.sortKey ?? 0,
      ...(opts.layout || {}),
    },
    paint: { 'text-color': opts.color ?? '#222', 'text-halo-color': '#fff', 'text-halo-width': 1.6, ...(opts.paint || {}) },
  };
}

/**
 * The MapLibre layers of a catalog layer, bottom to top, grouped by the
 * level they belong to so that fills stay under lines and labels on top.
 * ctx.patches is the list of patch names (for colours).
 */
export function layersFor(name, source, ctx) {
  const patchColor = match('patch', Object.fromEntries(ctx.patches.map((p, i) => [p, PATCH_COLORS[i % PATCH_COLORS.length]])), '#adb5bd');
  switch (name) {
    case 'patches': return {
      line: [{ id: 'patches:line', type: 'line', source, 'source-layer': name,
        paint: { 'line-color': '#343a40', 'line-width': ['interpolate', ['linear'], ['zoom'], 12, 1.5, 16, 3], 'line-dasharray': [4, 2] } }],
      label: [label('patches:label', 'labels', null, 'name', { size: 15, color: '#343a40', sortKey: -1,
        filter: ['==', ['get', 'kind'], 'patch'], layout: { 'text-max-width': 6 }, paint: { 'text-halo-width': 2 } })]
        .map(l => ({ ...l, maxzoom: 13.5 })),
    };
    case 'communities': return {
      fill: [{ id: 'communities:fill', type: 'fill', source, 'source-layer': name,
        paint: { 'fill-color': patchColor, 'fill-opacity': 0.32 } }],
      line: [{ id: 'communities:line', type: 'line', source, 'source-layer': name,
        paint: { 'line-color': patchColor, 'line-width': 1.2, 'line-opacity': 0.9 } }],
      label: [label('communities:label', 'labels', null, 'name', { size: ['interpolate', ['linear'], ['zoom'], 13, 11, 16, 14],
        minzoom: 13.5, filter: ['==', ['get', 'kind'], 'community'] })],
    };
    case 'streets': return {
      line: [{ id: 'streets:line', type: 'line', source, 'source-layer': name,
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: {
          'line-color': match('kind', { 街: STREET_KINDS.街.color, 巷: STREET_KINDS.巷.color }, '#999'),
          'line-width': ['interpolate', ['linear'], ['zoom'],
            12, ['*', 0.6, match('kind', { 街: STREET_KINDS.街.width, 巷: STREET_KINDS.巷.width }, 2)],
            16, ['*', 1.3, match('kind', { 街: STREET_KINDS.街.width, 巷: STREET_KINDS.巷.width }, 2)]],
        } }],
      label: [label('streets:label', source, name, 'name', { size: 11, minzoom: 15, color: '#5c3310',
        layout: { 'symbol-placement': 'line', 'text-max-angle': 30 } })],
    };
    case 'greening': return {
      fill: [{ id: 'greening:fill', type: 'fill', source, 'source-layer': name,
        paint: { 'fill-color': GREEN, 'fill-opacity': 0.6, 'fill-outline-color': '#1b5e20' } }],
      label: [label('greening:label', source, name, 'name', { size: 11, color: '#1b5e20', minzoom: 14 })],
    };
    case 'demolitions': return {
      point: [{ id: 'demolitions:circle', type: 'circle', source, 'source-layer': name,
        paint: {
          // Rings, so that sites never read as incidents (filled dots).
          // Bigger sites, bigger rings; small at street level.
          'circle-color': '#ffffff', 'circle-opacity': 0.55,
          'circle-radius': ['interpolate', ['linear'], ['zoom'],
            13, ['interpolate', ['linear'], ['sqrt', ['coalesce', ['get', 'area_m2'], 0]], 0, 2.5, 40, 5],
            17, ['interpolate', ['linear'], ['sqrt', ['coalesce', ['get', 'area_m2'], 0]], 0, 5, 40, 12]],
          'circle-stroke-color': match('kind', DEMOLITION_COLORS, '#666'),
          'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 13, 1.5, 17, 2.5],
        } }],
    };
    case 'service_points': return {
      point: [{ id: 'service_points:circle', type: 'circle', source, 'source-layer': name,
        paint: { 'circle-color': SERVICE, 'circle-radius': 7, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } }],
      label: [label('service_points:label', source, name, 'name', { size: 11, color: '#0b4f8a', minzoom: 15,
        layout: { 'text-anchor': 'top', 'text-offset': [0, 0.8], 'text-max-width': 9 } })],
    };
    case 'care_targets': return {
      point: [{ id: 'care_targets:circle', type: 'circle', source, 'source-layer': name,
        paint: {
          'circle-color': CARE, 'circle-radius': 4.5,
          'circle-stroke-color': ['case', ['==', ['get', 'alarm'], true], '#e03131', '#fff'],
          'circle-stroke-width': ['case', ['==', ['get', 'alarm'], true], 2.5, 1],
        } }],
    };
    case 'incidents': return {
      point: [
        { id: 'incidents:cluster', type: 'circle', source, 'source-layer': name, filter: ['has', 'count'],
          paint: {
            'circle-color': CLUSTER, 'circle-opacity': 0.75, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1,
            'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'count']], 1, 5, 5, 11, 15, 22],
          } },
        { id: 'incidents:hidden', type: 'circle', source, 'source-layer': name, filter: ['==', ['get', 'suppressed'], true],
          paint: {
            'circle-color': '#adb5bd', 'circle-opacity': 0.6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1, 'circle-radius': 5,
          } },
        { id: 'incidents:point', type: 'circle', source, 'source-layer': name, filter: ['all', ['!', ['has', 'count']], ['!', ['has', 'suppressed']]],
          paint: {
            'circle-color': match('status', STATUS_COLORS, '#555'), 'circle-radius': ['interpolate', ['linear'], ['zoom'], 15, 4, 18, 7],
            'circle-stroke-color': '#fff', 'circle-stroke-width': 1,
          } },
        // A red ring around overdue points (staff tiles only carry due times).
        { id: 'incidents:overdue', type: 'circle', source, 'source-layer': name, filter: overdueFilter(Date.now() / 1000),
          paint: {
            'circle-opacity': 0, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 15, 7, 18, 11],
            'circle-stroke-color': OVERDUE, 'circle-stroke-width': 2.5,
          } },
      ],
      label: [{ ...label('incidents:count', source, name, 'count', { size: 10, color: '#fff',
        layout: { 'text-field': ['to-string', ['get', 'count']], 'text-allow-overlap': true },
        paint: { 'text-halo-width': 0 } }), filter: ['all', ['has', 'count'], ['>', ['get', 'count'], 1]] }],
    };
    case 'hotspots': return {
      hex: [
        { id: 'hotspots:fill', type: 'fill', source, 'source-layer': name,
          paint: {
            'fill-color': match('class', HOTSPOT_COLORS, '#f0f0f0'),
            'fill-opacity': ['case', ['==', ['get', 'class'], 'not-significant'], 0.08, 0.6],
          } },
        { id: 'hotspots:line', type: 'line', source, 'source-layer': name,
          paint: { 'line-color': match('class', HOTSPOT_COLORS, '#ccc'), 'line-width': 0.8,
            'line-opacity': ['case', ['==', ['get', 'class'], 'not-significant'], 0.25, 0.9] } },
      ],
    };
    default: return { point: [{ id: name + ':any', type: 'circle', source, 'source-layer': name,
      paint: { 'circle-color': '#495057', 'circle-radius': 4 } }] };
  }
}

/** The draw order of the groups layersFor returns. */
export const LEVELS = ['fill', 'hex', 'line', 'point', 'label'];

/** Paint properties scaled by a layer's opacity, by MapLibre layer type. */
export const OPACITY_PROPS = {
  fill: ['fill-opacity'], line: ['line-opacity'], circle: ['circle-opacity', 'circle-stroke-opacity'],
  symbol: ['text-opacity'],
};

/**
 * Legend entries of a layer: [{kind: fill|line|circle|hex, color, text, dash?}].
 * tr translates keys and status names.
 */
export function legendFor(name, ctx, tr) {
  switch (name) {
    case 'patches': return [{ kind: 'line', color: '#343a40', dash: true, text: tr.title(name) }];
    case 'communities': return ctx.patches.map((p, i) => ({ kind: 'fill', color: PATCH_COLORS[i % PATCH_COLORS.length], text: p }));
    case 'streets': return Object.entries(STREET_KINDS).map(([k, v]) => ({ kind: 'line', color: v.color, width: v.width, text: valueName('kind', k) }));
    case 'greening': return [{ kind: 'fill', color: GREEN, text: tr.title(name) }];
    case 'demolitions': return Object.entries(DEMOLITION_COLORS).map(([k, v]) => ({ kind: 'circle', color: '#fff', ring: v, text: valueName('kind', k) }));
    case 'service_points': return [{ kind: 'circle', color: SERVICE, text: tr.title(name) }];
    case 'care_targets': return [
      { kind: 'circle', color: CARE, text: tr.title(name) },
      { kind: 'circle', color: CARE, ring: '#e03131', text: tr.field('care_targets', 'alarm') },
    ];
    case 'incidents': return ctx.agg ? [
      { kind: 'circle', color: CLUSTER, big: true, text: tr.t('publicLegend') },
      { kind: 'circle', color: '#adb5bd', text: tr.t('hiddenLegend', { n: ctx.minCount || 5 }) },
    ] : [
      ...Object.entries(STATUS_COLORS).map(([k, v]) => ({ kind: 'circle', color: v, text: tr.status(k) })),
      ...(ctx.staff ? [{ kind: 'circle', color: '#fff', ring: OVERDUE, text: tr.t('overdueLegend') }] : []),
      { kind: 'circle', color: CLUSTER, big: true, text: tr.t('aggLegend') },
    ];
    case 'hotspots': return HOTSPOT_CLASSES.map(c => ({ kind: 'hex', color: HOTSPOT_COLORS[c], text: tr.t(c) }));
  }
  return [];
}

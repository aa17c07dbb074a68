// Label points for polygons: one per community (at the centroid of its
// largest part) and one per patch (the mean of its communities' points).
// Labelling polygons from vector tiles would repeat a name in every tile the
// polygon crosses; one GeoJSON point per name does not.

function ringCentroid(ring) {
  let a = 0, x = 0, y = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    a += f;
    x += (ring[j][0] + ring[i][0]) * f;
    y += (ring[j][1] + ring[i][1]) * f;
  }
  if (Math.abs(a) < 1e-12) return { area: 0, point: ring[0] };
  return { area: Math.abs(a / 2), point: [x / (3 * a), y / (3 * a)] };
}

/** The label point of a Polygon or MultiPolygon geometry. */
export function labelPoint(geom) {
  const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.type === 'MultiPolygon' ? geom.coordinates : [];
  let best = null;
  for (const p of polys) {
    const c = ringCentroid(p[0]);
    if (!best || c.area > best.area) best = c;
  }
  return best ? best.point : null;
}

/**
 * Label points from the communities FeatureCollection: kind "community"
 * (name, patch) and kind "patch" (name). Also returns the patch names in
 * the order they first appear.
 */
export function communityLabels(fc) {
  const features = [];
  const patches = new Map();
  for (const f of (fc && fc.features) || []) {
    const pt = f.geometry && labelPoint(f.geometry);
    if (!pt) continue;
    const { name, patch } = f.properties;
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: pt }, properties: { kind: 'community', name, patch } });
    if (patch) {
      if (!patches.has(patch)) patches.set(patch, []);
      patches.get(patch).push(pt);
    }
  }
  for (const [name, pts] of patches) {
    const c = pts.reduce((a, p) => [a[0] + p[0] / pts.length, a[1] + p[1] / pts.length], [0, 0]);
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: c }, properties: { kind: 'patch', name } });
  }
  return { labels: { type: 'FeatureCollection', features }, patches: [...patches.keys()] };
}

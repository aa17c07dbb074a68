// Small DOM helpers: h() builds elements without innerHTML, so text from the
// data is never parsed as HTML.

/** Creates an element: h('div', {class: 'x', onclick: f}, 'text', child…). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c);
  return el;
}

/** A legend swatch: a small inline SVG in the layer's colour. */
export function swatch(entry) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '14');
  svg.setAttribute('class', 'swatch');
  svg.setAttribute('aria-hidden', 'true');
  let shape;
  switch (entry.kind) {
    case 'line':
      shape = document.createElementNS(ns, 'line');
      Object.entries({ x1: 1, y1: 7, x2: 17, y2: 7, stroke: entry.color, 'stroke-width': entry.width || 2.5 })
        .forEach(([k, v]) => shape.setAttribute(k, v));
      if (entry.dash) shape.setAttribute('stroke-dasharray', '4 2');
      break;
    case 'circle':
      shape = document.createElementNS(ns, 'circle');
      Object.entries({ cx: 9, cy: 7, r: entry.big ? 6 : 4.5, fill: entry.color, stroke: entry.ring || '#fff', 'stroke-width': entry.ring ? 2 : 1 })
        .forEach(([k, v]) => shape.setAttribute(k, v));
      break;
    case 'hex':
      shape = document.createElementNS(ns, 'polygon');
      shape.setAttribute('points', '5,1 13,1 17,7 13,13 5,13 1,7');
      shape.setAttribute('fill', entry.color);
      shape.setAttribute('stroke', '#999');
      shape.setAttribute('stroke-width', '0.6');
      break;
    default:
      shape = document.createElementNS(ns, 'rect');
      Object.entries({ x: 1, y: 1, width: 16, height: 12, rx: 2, fill: entry.color, 'fill-opacity': 0.75, stroke: entry.color })
        .forEach(([k, v]) => shape.setAttribute(k, v));
  }
  svg.append(shape);
  return svg;
}

// Staff intake on the map (接诉即办): a "新建诉求" button; then a click on the
// map (or coordinates typed in) opens a form; submitting it POSTs
// /incidents, which places the incident in its community and patch, gives
// it its due times and keeps the caller's name and phone apart from the map.

import * as api from './api.js';
import { h, fill } from './dom.js';

/** Adds the intake tool for staff; does nothing for public callers. */
export function intakeTool(map, app) {
  if (app.role !== 'staff' && app.role !== 'admin') return null;
  const incidents = app.catalog.find(l => l.name === 'incidents');
  if (!incidents) return null;
  const enumOf = name => ((incidents.fields || []).find(f => f.name === name) || {}).enum || [];

  const msg = h('p', { id: 'intake-msg', class: 'small', role: 'status' });
  const button = h('button', { type: 'button', id: 'intake-btn', class: 'btn primary' }, '新建诉求 New incident');
  const box = h('section', { id: 'intake', class: 'panel-section' }, h('h3', null, '接诉即办 Intake'), button, msg);
  const side = document.querySelector('#export') ? document.querySelector('#export').parentNode : document.body;
  side.appendChild(box);

  const lon = h('input', { name: 'lon', type: 'number', step: 'any', required: true });
  const lat = h('input', { name: 'lat', type: 'number', step: 'any', required: true });
  const select = (name, values, value) => h('select', { name, required: true },
    values.map(v => h('option', { value: v, selected: v === value }, v)));
  const form = h('form', { id: 'intake-form', method: 'dialog' },
    h('h2', null, '新建诉求'),
    h('label', null, '经度 lon ', lon), h('label', null, '纬度 lat ', lat),
    h('label', null, '问题分类 ', select('category', enumOf('category'))),
    h('label', null, '来源 ', select('source', enumOf('source'), '街道热线')),
    h('label', null, '地址 ', h('input', { name: 'address', maxlength: 200 })),
    h('label', null, '诉求内容 ', h('textarea', { name: 'description', maxlength: 2000, rows: 3 })),
    h('label', null, '来电人 ', h('input', { name: 'name', maxlength: 200, autocomplete: 'off' })),
    h('label', null, '联系电话 ', h('input', { name: 'phone', maxlength: 40, autocomplete: 'off' })),
    h('label', null, h('input', { name: 'urgent', type: 'checkbox' }), ' 紧急 urgent'),
    h('p', { id: 'intake-error', class: 'error small', role: 'alert' }),
    h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, '取消'),
      h('button', { type: 'submit', class: 'btn primary' }, '提交')));
  const dialog = h('dialog', { id: 'intake-dialog' }, form);
  document.body.appendChild(dialog);

  const open = (p) => {
    if (p) { lon.value = p.lng.toFixed(6); lat.value = p.lat.toFixed(6); }
    fill(form.querySelector('#intake-error'));
    dialog.showModal();
  };
  button.addEventListener('click', () => {
    app.picking = !app.picking;
    button.classList.toggle('active', app.picking);
    fill(msg, app.picking ? '在地图上点击诉求位置（或直接填写坐标）Click the map where it happened' : '');
    map.getCanvas().style.cursor = app.picking ? 'crosshair' : '';
    if (app.picking && !map.loaded()) open(null);
  });
  button.addEventListener('dblclick', () => { app.picking = false; open(null); });
  map.on('click', e => {
    if (!app.picking) return;
    // The page's own click handler runs after this one and skips while
    // app.picking is set: clear it once that has happened.
    setTimeout(() => { app.picking = false; }, 0);
    button.classList.remove('active');
    map.getCanvas().style.cursor = '';
    open(e.lngLat);
  });

  form.addEventListener('submit', async e => {
    e.preventDefault();
    const fd = new FormData(form);
    const body = {
      lon: Number(fd.get('lon')), lat: Number(fd.get('lat')),
      category: fd.get('category'), source: fd.get('source'),
      address: fd.get('address') || '', description: fd.get('description') || '',
      urgent: fd.get('urgent') === 'on',
      contact: { name: fd.get('name') || '', phone: fd.get('phone') || '' },
    };
    try {
      const out = await api.postJSON('/incidents', body);
      dialog.close();
      form.reset();
      fill(msg, `已受理 #${out.id}：${out.community || ''} · 响应时限 ${new Date(out.response_due).toLocaleString('zh-CN')} · 建议派单 ${out.route.unit}（${out.route.level}）`);
      app.lastIncident = out;
      app.filtersChanged();
    } catch (err) {
      fill(form.querySelector('#intake-error'), err.message);
    }
  });
  return { open, dialog, button };
}

// The admins' import panel: drop a file (CSV, GeoJSON, KML, KMZ, XLSX, a
// zipped Shapefile or a GeoPackage), choose the layer, preview the first
// rows with the column mapping, run a dry run that lists every rejected
// row, download the rejects, then import with a progress bar. Everything
// goes through POST /import/{layer} (and its /preview and /rejects helpers)
// with the admin's token; nothing is written before "导入".

import * as api from './api.js';
import * as i18n from './i18n.js';
import { h, fill } from './dom.js';

const S = {
  open: ['数据导入', 'Import data'],
  heading: ['导入数据', 'Import data'],
  drop: ['把文件拖到这里，或点击选择', 'Drop a file here, or click to choose'],
  kinds: ['CSV、Excel (.xlsx)、GeoJSON、KML/KMZ、Shapefile (.zip)、GeoPackage', 'CSV, Excel (.xlsx), GeoJSON, KML/KMZ, Shapefile (.zip), GeoPackage'],
  layer: ['导入到图层', 'Layer'],
  mode: ['方式', 'Mode'],
  insert: ['新增', 'Insert'], upsert: ['按编号更新', 'Upsert by key'], replace: ['替换整个图层', 'Replace the layer'],
  crs: ['坐标系', 'Coordinates'],
  encoding: ['编码', 'Encoding'],
  sheet: ['工作表', 'Sheet'],
  table: ['表 / .shp', 'Table / .shp'],
  auto: ['自动', 'auto'],
  skip: ['跳过错误行，只导入正确的行', 'Skip rejected rows, import the good ones'],
  preview: ['预览', 'Preview'],
  dryRun: ['试运行', 'Dry run'],
  rejects: ['下载错误行', 'Download rejected rows'],
  run: ['导入', 'Import'],
  close: ['关闭', 'Close'],
  column: ['文件列', 'Column'],
  field: ['字段', 'Field'],
  notImported: ['不导入', 'not imported'],
  ignored: ['忽略', 'ignored'],
  row: ['行', 'Row'],
  problems: ['问题', 'Problems'],
  more: ['（仅显示前 {n} 行）', '(first {n} rows only)'],
  noFile: ['请先选择文件', 'Choose a file first'],
  uploading: ['上传中…', 'Uploading…'],
  checking: ['服务器处理中…', 'The server is processing…'],
  summary: ['读取 {read} 行：正确 {valid} 行，错误 {rejected} 行', '{read} rows read: {valid} valid, {rejected} rejected'],
  written: ['已写入：新增 {ins}，更新 {upd}，删除 {del}', 'Written: {ins} inserted, {upd} updated, {del} deleted'],
  notWritten: ['未写入任何数据', 'Nothing was written'],
  dryOK: ['试运行通过，没有错误行', 'Dry run passed: no rejected rows'],
  rejectedRows: ['错误行（全部 {n} 条问题）', 'Rejected rows ({n} problems)'],
  truncated: ['问题太多，只列出前 {n} 条', 'Too many problems: the first {n} are listed'],
  warnings: ['提示', 'Warnings'],
  noRejects: ['没有错误行', 'No rejected rows'],
  source: ['来源', 'Source'],
};

function tr(key, vars) {
  const s = S[key][i18n.lang() === 'en' ? 1 : 0];
  return vars ? s.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '') : s;
}

/** Adds the 数据导入 button to the header (admins only) and its dialog. */
export function mountImport(catalog) {
  if (!document.querySelector('link[data-import-css]')) {
    document.head.append(h('link', { rel: 'stylesheet', href: '/static/import.css', 'data-import-css': true }));
  }
  const right = document.querySelector('#top .top-right');
  let btn = document.querySelector('#import-btn');
  if (!btn) {
    btn = h('button', { type: 'button', id: 'import-btn', class: 'btn' });
    right.prepend(btn);
    btn.addEventListener('click', () => new ImportPanel(catalog).open());
  }
  btn.textContent = tr('open');
}

class ImportPanel {
  constructor(catalog) {
    this.catalog = catalog;
    this.file = null;
  }

  open() {
    document.querySelector('#import-dialog')?.remove();
    const layerSel = h('select', { id: 'import-layer' },
      this.catalog.map(l => h('option', { value: l.name }, `${i18n.title(l)} (${l.name})`)));
    const sel = (id, opts) => h('select', { id }, opts.map(([v, label]) => h('option', { value: v }, label)));
    this.fileInput = h('input', { type: 'file', id: 'import-file', accept: '.csv,.tsv,.txt,.xlsx,.geojson,.json,.ndjson,.kml,.kmz,.zip,.gpkg', hidden: true });
    this.dropLabel = h('span', { class: 'import-file-name' }, tr('drop'));
    const drop = h('label', { class: 'import-drop', id: 'import-drop', for: 'import-file', tabindex: '0' },
      this.dropLabel, h('small', { class: 'muted' }, tr('kinds')), this.fileInput);
    this.fileInput.addEventListener('change', () => this.setFile(this.fileInput.files[0]));
    drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', e => {
      e.preventDefault();
      drop.classList.remove('over');
      if (e.dataTransfer.files.length) this.setFile(e.dataTransfer.files[0]);
    });
    this.ctl = {
      layer: layerSel,
      mode: sel('import-mode', [['insert', tr('insert')], ['upsert', tr('upsert')], ['replace', tr('replace')]]),
      crs: sel('import-crs', [['wgs84', 'WGS 84 (GPS)'], ['cgcs2000', 'CGCS2000 (天地图)'], ['gcj02', 'GCJ-02 (高德/腾讯)'], ['bd09', 'BD-09 (百度)']]),
      encoding: sel('import-encoding', [['auto', tr('auto')], ['utf-8', 'UTF-8'], ['gbk', 'GBK'], ['gb18030', 'GB18030']]),
      sheet: h('input', { id: 'import-sheet', type: 'text', size: 8 }),
      table: h('input', { id: 'import-table', type: 'text', size: 8 }),
      skip: h('input', { id: 'import-skip', type: 'checkbox' }),
    };
    const field = (label, el) => h('label', { class: 'import-field' }, h('span', null, label), el);
    this.status = h('div', { id: 'import-status', class: 'import-status', role: 'status', 'aria-live': 'polite' });
    this.progress = h('progress', { id: 'import-progress', max: 100, value: 0, hidden: true });
    this.out = h('div', { id: 'import-out', class: 'import-out' });
    const button = (id, label, fn, cls = 'btn') => h('button', { type: 'button', id, class: cls, onclick: () => this.guard(fn) }, label);
    this.dialog = h('dialog', { id: 'import-dialog', class: 'import-dialog' },
      h('h2', null, tr('heading')),
      drop,
      h('div', { class: 'import-options' },
        field(tr('layer'), layerSel), field(tr('mode'), this.ctl.mode), field(tr('crs'), this.ctl.crs),
        field(tr('encoding'), this.ctl.encoding), field(tr('sheet'), this.ctl.sheet), field(tr('table'), this.ctl.table)),
      h('label', { class: 'import-skip' }, this.ctl.skip, ' ', tr('skip')),
      h('div', { class: 'buttons' },
        button('import-preview', tr('preview'), () => this.preview()),
        button('import-dry', tr('dryRun'), () => this.run(true)),
        button('import-rejects', tr('rejects'), () => this.rejects()),
        button('import-run', tr('run'), () => this.run(false), 'btn primary'),
        h('button', { type: 'button', class: 'btn', id: 'import-close', onclick: () => this.dialog.close() }, tr('close'))),
      this.progress, this.status, this.out);
    this.dialog.addEventListener('close', () => this.dialog.remove());
    document.body.append(this.dialog);
    this.dialog.showModal();
  }

  setFile(f) {
    this.file = f || null;
    this.dropLabel.textContent = f ? `${f.name} (${Math.ceil(f.size / 1024)} KB)` : tr('drop');
    fill(this.out);
    this.status.textContent = '';
    if (f) this.guard(() => this.preview());
  }

  async guard(fn) {
    if (!this.file) { this.status.textContent = tr('noFile'); return; }
    for (const b of this.dialog.querySelectorAll('.buttons button:not(#import-close)')) b.disabled = true;
    try {
      await fn();
    } catch (err) {
      this.status.textContent = err.message;
      this.status.classList.add('error');
    } finally {
      for (const b of this.dialog.querySelectorAll('.buttons button')) b.disabled = false;
    }
  }

  /** The query string: the chosen options (the file's name tells its format). */
  params(extra) {
    const p = new URLSearchParams();
    const { mode, crs, encoding, sheet, table, skip } = this.ctl;
    p.set('mode', mode.value);
    if (crs.value !== 'wgs84') p.set('crs', crs.value);
    if (encoding.value !== 'auto') p.set('encoding', encoding.value);
    if (skip.checked) p.set('skip_invalid', 'true');
    if (sheet.value.trim()) p.set('sheet', sheet.value.trim());
    if (table.value.trim()) p.set('table', table.value.trim());
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return p;
  }

  target(suffix, extra) {
    return `/import/${encodeURIComponent(this.ctl.layer.value)}${suffix}?${this.params(extra)}`;
  }

  body() {
    const fd = new FormData();
    fd.append('file', this.file, this.file.name);
    return fd;
  }

  /** POSTs with XMLHttpRequest, for the upload's progress. */
  send(path, onUpload) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      const tok = api.loadToken();
      if (tok) xhr.setRequestHeader('Authorization', 'Bearer ' + tok);
      if (onUpload) {
        xhr.upload.onprogress = e => { if (e.lengthComputable) onUpload(e.loaded / e.total); };
        xhr.upload.onload = () => onUpload(1);
      }
      xhr.responseType = 'blob';
      xhr.onload = () => resolve(xhr);
      xhr.onerror = () => reject(new Error('network error'));
      xhr.send(this.body());
    });
  }

  async json(xhr) {
    const text = await xhr.response.text();
    try { return JSON.parse(text); } catch { return { message: text || `HTTP ${xhr.status}` }; }
  }

  async preview() {
    this.status.classList.remove('error');
    this.status.textContent = tr('checking');
    const xhr = await this.send(this.target('/preview', { rows: 20 }));
    const p = await this.json(xhr);
    if (xhr.status !== 200) throw new Error(p.message);
    this.status.textContent = [p.format, p.sheet && `${tr('sheet')} ${p.sheet}`, p.table, p.encoding, p.crs].filter(Boolean).join(' · ');
    const cols = p.columns;
    const mapTo = c => '→ ' + (c.field || (c.ignored ? tr('ignored') : tr('notImported')));
    const head = h('tr', null,
      h('th', null, tr('row')),
      cols.map(c => h('th', { class: c.field ? '' : 'unmapped' }, h('div', null, c.column), h('div', { class: 'map-to' }, mapTo(c)))),
      h('th', null, tr('problems')));
    const rows = p.rows.map(r => h('tr', { class: r.errors.length ? 'bad' : '' },
      h('td', null, String(r.row)), cols.map(c => h('td', null, r.values[c.column] ?? '')),
      h('td', { class: 'problems' }, r.errors.map(e => e.reason && `${e.field || ''} ${e.reason}`.trim()).join('；'))));
    fill(this.out,
      h('div', { class: 'import-table-wrap' }, h('table', { id: 'import-preview-table', class: 'import-table' }, h('thead', null, head), h('tbody', null, rows))),
      p.more ? h('p', { class: 'small muted' }, tr('more', { n: p.rows.length })) : null,
      this.warnings(p.warnings));
  }

  warnings(ws) {
    if (!ws || !ws.length) return null;
    return h('details', { class: 'import-warnings' }, h('summary', null, `${tr('warnings')} (${ws.length})`),
      h('ul', null, ws.map(w => h('li', null, problemText(w)))));
  }

  async run(dry) {
    this.status.classList.remove('error');
    this.progress.hidden = false;
    this.progress.value = 0;
    this.status.textContent = tr('uploading');
    const xhr = await this.send(this.target('', { dry_run: dry ? 'true' : 'false' }), f => {
      this.progress.value = Math.round(f * 100);
      if (f >= 1) { this.status.textContent = tr('checking'); this.progress.removeAttribute('value'); }
    });
    this.progress.value = 100;
    const rep = await this.json(xhr);
    if (xhr.status !== 200 && xhr.status !== 422) throw new Error(rep.message);
    const lines = [h('p', { class: 'import-summary' }, tr('summary', { read: rep.rows_read, valid: rep.valid, rejected: rep.rejected }))];
    if (rep.written) lines.push(h('p', { class: 'ok' }, tr('written', { ins: rep.inserted, upd: rep.updated, del: rep.deleted })));
    else if (dry && !rep.failure) lines.push(h('p', { class: 'ok' }, tr('dryOK')));
    else lines.push(h('p', { class: 'error' }, tr('notWritten') + (rep.failure ? '：' + rep.failure : '')));
    if (rep.errors && rep.errors.length) {
      lines.push(h('h3', null, tr('rejectedRows', { n: rep.error_count })));
      if (rep.errors_truncated) lines.push(h('p', { class: 'small muted' }, tr('truncated', { n: rep.errors.length })));
      lines.push(h('ul', { id: 'import-errors', class: 'import-errors' }, rep.errors.map(e => h('li', null, problemText(e)))));
    }
    lines.push(this.warnings(rep.warnings));
    this.status.textContent = '';
    fill(this.out, lines);
  }

  async rejects() {
    this.status.classList.remove('error');
    this.status.textContent = tr('checking');
    const xhr = await this.send(this.target('/rejects'));
    if (xhr.status === 204) { this.status.textContent = tr('noRejects'); return; }
    if (xhr.status !== 200) throw new Error((await this.json(xhr)).message || `HTTP ${xhr.status}`);
    const cd = xhr.getResponseHeader('Content-Disposition') || '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    const plain = /filename="?([^";]+)"?/i.exec(cd);
    const name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : 'rejects.csv';
    const a = h('a', { href: URL.createObjectURL(xhr.response), download: name, id: 'import-rejects-link' }, name);
    this.status.textContent = '';
    fill(this.status, `${xhr.getResponseHeader('X-Rejected-Rows')} · `, a);
    a.click();
  }
}

/** A problem as one line: 工作表 工单明细 第 9 行 · lon (经度): reason. */
function problemText(p) {
  const where = [];
  if (p.sheet) where.push(`${tr('sheet')} ${p.sheet}`);
  if (p.row) where.push(i18n.lang() === 'en' ? `row ${p.row}` : `第 ${p.row} 行`);
  let what = p.field || '';
  if (p.column && p.column !== p.field) what += what ? ` (${p.column})` : p.column;
  if (p.value) what += ` “${p.value}”`;
  return [where.join(' '), what, p.reason].filter(Boolean).join(' · ');
}

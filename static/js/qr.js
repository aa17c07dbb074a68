// The QR code of the current view, for opening it on a phone: a dialog
// with the code (an SVG drawn by the server's /qr.svg from this page's link
// on the server's public address: no request leaves the origin), the
// link written out, and a close button; Esc closes it too.

import { h, fill } from './dom.js';
import { t } from './i18n.js';

let dialog = null;

/** Opens the dialog for the page's current link (path, query and hash). */
export function showQR() {
  const u = location.pathname + location.search + location.hash;
  if (!dialog) {
    dialog = h('dialog', { id: 'qr-dialog', class: 'qr-dialog', 'aria-labelledby': 'qr-title', 'aria-describedby': 'qr-help' });
    dialog.addEventListener('click', e => { if (e.target === dialog) dialog.close(); }); // a tap outside
    document.body.append(dialog);
  }
  const img = h('img', { id: 'qr-img', width: '240', height: '240', src: '/qr.svg?u=' + encodeURIComponent(u), alt: t('qrAlt') });
  const msg = h('p', { class: 'small error', role: 'alert' });
  img.addEventListener('error', () => { img.hidden = true; msg.textContent = t('qrFailed'); });
  const close = h('button', { type: 'button', class: 'btn', id: 'qr-close', onclick: () => dialog.close() }, t('close'));
  fill(dialog,
    h('h2', { id: 'qr-title' }, t('qrTitle')),
    h('p', { id: 'qr-help', class: 'small muted' }, t('qrHelp')),
    img, msg,
    h('p', { class: 'qr-link small' }, h('a', { href: u }, location.origin + u)),
    h('div', { class: 'qr-actions' }, close));
  dialog.showModal();
  close.focus();
  return dialog;
}

// The time-window control: today, 7 days, 30 days, a custom range, and a
// month slider that can play month by month.

import { h, fill } from './dom.js';
import { t } from './i18n.js';
import { recentMonths, closedMonths, today, addDays, datetime } from './timewin.js';

const MONTHS = 24;
const STEP_MS = 1500;

/** A short label of the current window, for panels. */
export function windowLabel(s) {
  if (s.win === 'custom') return `${s.from || '…'} – ${s.to || '…'}`;
  if (s.win.startsWith('m:')) return s.win.slice(2);
  return t({ today: 'today', '7d': 'd7', '30d': 'd30', '90d': 'd90', '365d': 'd365', '12m': 'm12' }[s.win] || 'all');
}

/**
 * Renders the time bar into el. app: {state, timeChanged()}. Returns a
 * handle with stop() (ends an animation).
 */
export function renderTimebar(el, app) {
  const s = app.state;
  // Public callers of an aggregates server get whole closed months only.
  const months = app.agg ? closedMonths(MONTHS) : recentMonths(MONTHS);
  let timer = null;

  const choices = app.agg ? [['12m', 'm12'], ['all', 'all'], ['month', 'month']]
    : [['today', 'today'], ['7d', 'd7'], ['30d', 'd30'], ['custom', 'custom'], ['month', 'month']];
  const buttons = choices.map(([w, key]) =>
    h('button', { type: 'button', class: 'seg-btn', dataset: { win: w }, onclick: () => pick(w) }, t(key)));
  const from = h('input', { type: 'date', id: 'win-from', value: s.from, 'aria-label': t('from'), onchange: e => { s.from = e.target.value; app.timeChanged(); } });
  const to = h('input', { type: 'date', id: 'win-to', value: s.to, 'aria-label': t('to'), onchange: e => { s.to = e.target.value; app.timeChanged(); } });
  const custom = h('span', { class: 'custom-range' }, from, ' – ', to);
  const slider = h('input', {
    type: 'range', id: 'month-slider', min: 0, max: MONTHS - 1, step: 1, 'aria-label': t('month'),
    oninput: e => { stop(); setMonth(months[+e.target.value]); },
  });
  const label = h('output', { class: 'month-label', for: 'month-slider' });
  const play = h('button', { type: 'button', class: 'btn icon', id: 'month-play', title: t('play'), onclick: () => (timer ? stop() : start()) }, '▶');
  const month = h('span', { class: 'month-range' }, play, slider, label);
  const range = h('span', { class: 'range-text small muted', id: 'win-range' });

  function sync() {
    const isMonth = s.win.startsWith('m:');
    for (const b of buttons) {
      const w = b.dataset.win;
      b.classList.toggle('active', w === s.win || (w === 'month' && isMonth));
      b.setAttribute('aria-pressed', String(b.classList.contains('active')));
    }
    custom.hidden = s.win !== 'custom';
    month.hidden = !isMonth;
    if (isMonth) {
      const i = Math.max(0, months.indexOf(s.win.slice(2)));
      slider.value = String(i);
      label.textContent = months[i];
    }
    const dt = datetime(s.win, s.from, s.to);
    const [a, b] = dt.split('/');
    range.textContent = s.win === 'custom' || isMonth ? '' : a === b ? a : `${a} – ${b}`;
    play.textContent = timer ? '❚❚' : '▶';
    play.title = timer ? t('pause') : t('play');
  }

  function setMonth(m) { s.win = 'm:' + m; sync(); app.timeChanged(); }

  function pick(w) {
    stop();
    if (w === 'month') {
      if (!s.win.startsWith('m:')) setMonth(months[months.length - 1]);
      return;
    }
    if (w === 'custom' && !s.from && !s.to) {
      s.to = today();
      s.from = addDays(s.to, -13);
      from.value = s.from;
      to.value = s.to;
    }
    s.win = w;
    sync();
    app.timeChanged();
  }

  function start() {
    let i = s.win.startsWith('m:') ? months.indexOf(s.win.slice(2)) : -1;
    if (i >= months.length - 1) i = -1; // at the last month: start over
    const step = () => {
      i++;
      if (i >= months.length) { stop(); return; }
      setMonth(months[i]);
    };
    timer = setInterval(step, STEP_MS);
    step();
  }

  function stop() {
    if (timer) { clearInterval(timer); timer = null; sync(); }
  }

  const cfg = app.config || {};
  const note = app.agg ? h('p', { class: 'public-note small muted', id: 'public-note' }, t('publicNote', { n: cfg.min_count || 5 }))
    : app.role === 'public' && cfg.public_incidents === 'points' ? h('p', { class: 'public-note small muted', id: 'public-note' }, t('publicPoints')) : null;
  fill(el, h('div', { class: 'seg', role: 'group', 'aria-label': t('time') }, buttons), custom, month, range, note);
  sync();
  return { stop, sync };
}

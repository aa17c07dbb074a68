// Unit tests of the page's pure modules (time windows, the URL state), run
// in node alongside the browser tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datetime, recentMonths, addDays, validWindow } from '../../static/js/timewin.js';
import { parse, format, defaults } from '../../static/js/state.js';

// 01:00 on 2 March 2026 in Beijing, still 1 March in UTC.
const now = new Date('2026-03-01T17:00:00Z');

test('time windows are Beijing days, both ends included', () => {
  const cases = [
    ['today', '', '', '2026-03-02/2026-03-02'],
    ['7d', '', '', '2026-02-24/2026-03-02'],
    ['30d', '', '', '2026-02-01/2026-03-02'],
    ['m:2024-02', '', '', '2024-02-01/2024-02-29'],
    ['m:2025-12', '', '', '2025-12-01/2025-12-31'],
    ['custom', '2026-01-05', '2026-01-09', '2026-01-05/2026-01-09'],
    ['custom', '2026-05-01', '2026-04-01', '2026-04-01/2026-05-01'],
    ['custom', '2026-01-05', '', '2026-01-05/..'],
    ['custom', '', '', ''],
    ['all', '', '', ''],
  ];
  for (const [w, from, to, want] of cases) assert.equal(datetime(w, from, to, now), want, w);
  assert.deepEqual(recentMonths(3, now), ['2026-01', '2026-02', '2026-03']);
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.ok(validWindow('m:2026-01') && !validWindow('m:26-1') && !validWindow('1y'));
});

test('the URL state round-trips and leaves defaults out', () => {
  assert.equal(format(defaults()), '');
  const hash = '#map=15.50/39.85700/116.28800&layers=communities,incidents&op=communities:0.50&t=custom&from=2026-01-01&to=2026-01-31' +
    '&cat=停电&st=received,dispatched&src=12345&hw=90d&hc=漏水&hr=9&sel=communities:北大地西区&lang=en';
  const s = parse(hash);
  assert.deepEqual(s.view, { zoom: 15.5, lat: 39.857, lon: 116.288 });
  assert.deepEqual([...s.layers], ['communities', 'incidents']);
  assert.deepEqual(s.opacity, { communities: 0.5 });
  assert.equal(s.win, 'custom');
  assert.equal(s.category, '停电');
  assert.deepEqual(s.status, ['received', 'dispatched']);
  assert.deepEqual(s.hot, { win: '90d', from: '', to: '', category: '漏水', res: '9' });
  assert.deepEqual(s.sel, { layer: 'communities', key: '北大地西区' });
  assert.equal(s.lang, 'en');
  assert.deepEqual(parse(format(s)), s);
});

test('a bad hash falls back to the defaults', () => {
  const s = parse('#map=abc&t=forever&hw=1y&op=communities:x&sel=nocolon');
  assert.equal(s.view, null);
  assert.equal(s.win, 'today');
  assert.equal(s.hot.win, '30d');
  assert.deepEqual(s.opacity, {});
  assert.equal(s.sel, null);
});

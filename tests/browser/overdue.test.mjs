// Overdue incidents on the staff map (接诉即办): an incident past its
// response deadline gets a red ring (the MapLibre layer incidents:overdue,
// judged from the due times in the staff tiles) and a legend entry in
// Chinese and English; one contacted in time gets no ring; the public map
// has neither.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, ready, screenshot, BASE, STAFF_TOKEN } from './helpers.mjs';

let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const auth = () => ({ Authorization: 'Bearer ' + STAFF_TOKEN, 'Content-Type': 'application/json' });

/** Takes in a 水管爆裂 (response due in 1 h) received hoursAgo, with steps. */
async function intake(lon, lat, hoursAgo, steps = []) {
  const received = new Date(Date.now() - hoursAgo * 3600e3);
  const res = await fetch(`${BASE}/incidents`, { method: 'POST', headers: auth(), body: JSON.stringify({
    lon, lat, category: '水管爆裂', source: '网格', description: '浏览器测试：逾期', received_at: received.toISOString(),
  }) });
  assert.equal(res.status, 201, await res.clone().text());
  const { id } = await res.json();
  for (const [i, action] of steps.entries()) {
    const at = new Date(received.getTime() + (i + 1) * 60e3).toISOString();
    const r = await fetch(`${BASE}/incidents/${id}/events`, { method: 'POST', headers: auth(), body: JSON.stringify({ action, at }) });
    assert.equal(r.status, 201, await r.text());
  }
  return id;
}

/** Ids of the incidents drawn in MapLibre layer id. */
function drawn(page, id) {
  return page.evaluate(layer => [...new Set(window.minqing.map.queryRenderedFeatures({ layers: [layer] }).map(f => f.id))], id);
}

test('overdue incidents are ringed in red on the staff map, with a legend entry', async t => {
  if (!STAFF_TOKEN) { t.skip('no staff token'); return; }
  const [lon, lat] = [116.2876, 39.8571];
  const late = await intake(lon, lat, 3);                              // past 1 h, caller not contacted
  const onTime = await intake(lon + 0.0004, lat, 3, ['dispatch', 'respond']); // contacted after 2 min
  const { page, errors, context } = await openPage(browser);
  // The token is there before the page's first script: a page that starts
  // public would rewrite the hash's window to whole closed months (12m).
  await context.addInitScript(tok => sessionStorage.setItem('minqing.token', tok), STAFF_TOKEN);
  await page.goto(`${BASE}/#map=17.5/${lat}/${lon + 0.0002}&layers=communities,incidents&t=7d`);
  await ready(page);
  const rings = await drawn(page, 'incidents:overdue');
  const points = await drawn(page, 'incidents:point');
  assert.ok(points.includes(late) && points.includes(onTime), `both incidents drawn as points: ${points}`);
  assert.ok(rings.includes(late), `the overdue incident ${late} has a red ring: rings ${rings}`);
  assert.ok(!rings.includes(onTime), `the incident contacted in time (${onTime}) has none`);
  const legend = await page.locator('#layers').textContent();
  assert.match(legend, /红圈：已逾期/);
  t.diagnostic('screenshot: ' + await screenshot(page, 'overdue.png'));

  // The same judgement as the server's ?overdue=response on the tiles.
  const filtered = await page.evaluate(async () => {
    const { map } = window.minqing;
    const src = map.getSource('incidents');
    const [url] = src.tiles;
    const sep = url.includes('?') ? '&' : '?';
    src.setTiles([url + sep + 'overdue=response']);
    await new Promise(r => map.once('idle', r));
    const ids = [...new Set(map.queryRenderedFeatures({ layers: ['incidents:point'] }).map(f => f.id))];
    src.setTiles([url]);
    return ids;
  });
  assert.ok(filtered.includes(late) && !filtered.includes(onTime), `?overdue=response tiles: ${filtered}`);

  // Moving the clock back before the deadline takes the ring away.
  const before = await page.evaluate(async t0 => {
    window.minqing.mapview.refreshOverdue(t0);
    await new Promise(r => { window.minqing.map.once('idle', r); window.minqing.map.triggerRepaint(); });
    return [...new Set(window.minqing.map.queryRenderedFeatures({ layers: ['incidents:overdue'] }).map(f => f.id))];
  }, Date.now() / 1000 - 3 * 3600);
  assert.ok(!before.includes(late), `three hours ago ${late} was not yet overdue: rings ${before}`);

  // English legend.
  await page.goto(`${BASE}/#map=17.5/${lat}/${lon}&layers=communities,incidents&t=7d&lang=en`);
  await page.reload();
  await ready(page);
  assert.match(await page.locator('#layers').textContent(), /Red ring: overdue/);
  assert.deepEqual(errors, []);
  await context.close();

  const pub = await openPage(browser);
  await pub.page.goto(`${BASE}/#map=17.5/${lat}/${lon}&layers=communities,incidents&t=7d`);
  await ready(pub.page);
  assert.deepEqual(await drawn(pub.page, 'incidents:overdue'), [], 'no rings for the public');
  assert.doesNotMatch(await pub.page.locator('#layers').textContent(), /逾期/);
  assert.deepEqual(pub.errors, []);
  await pub.context.close();
});

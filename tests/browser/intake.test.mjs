// Staff intake on the map (接诉即办): a staff member clicks "新建诉求", clicks
// the map, fills the form and submits; the incident is taken in (placed in
// its community, given due times) and can be dispatched; the caller's phone
// never reaches the map.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, ready, screenshot, BASE, STAFF_TOKEN } from './helpers.mjs';

let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

test('staff take in an incident by clicking the map, then dispatch it', async t => {
  if (!STAFF_TOKEN) { t.skip('no staff token'); return; }
  const { page, errors, context } = await openPage(browser);
  // A second page, public, open on the map while staff take the call in.
  const other = await openPage(browser);
  await other.page.goto(BASE + '/');
  await ready(other.page);
  await page.goto(BASE + '/');
  await ready(page);
  assert.equal(await page.locator('#intake-btn').count(), 0, 'no intake for the public');
  await page.evaluate(token => sessionStorage.setItem('minqing.token', token), STAFF_TOKEN);
  await page.reload();
  await ready(page);
  await page.locator('#intake-btn').click();
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator('#intake-dialog').waitFor({ state: 'visible' });
  const lon = Number(await page.locator('#intake-form input[name=lon]').inputValue());
  assert.ok(lon > 116.2 && lon < 116.4, 'the clicked point fills the coordinates: ' + lon);
  await page.locator('#intake-form select[name=category]').selectOption('停电');
  await page.locator('#intake-form textarea[name=description]').fill('浏览器测试：单元停电');
  await page.locator('#intake-form input[name=phone]').fill('13900009999');
  await page.locator('#intake-form button[type=submit]').click();
  await page.waitForFunction(() => window.minqing.app.lastIncident, null, { timeout: 10000 });
  const created = await page.evaluate(() => window.minqing.app.lastIncident);
  assert.ok(created.id > 0 && created.community, 'placed in a community');
  assert.match(await page.locator('#intake-msg').textContent(), /已受理 #\d+/);
  t.diagnostic('screenshot: ' + await screenshot(page, 'intake.png'));

  const auth = { Authorization: 'Bearer ' + STAFF_TOKEN, 'Content-Type': 'application/json' };
  const res = await fetch(`${BASE}/incidents/${created.id}/events`, { method: 'POST', headers: auth, body: JSON.stringify({ action: 'dispatch' }) });
  assert.equal(res.status, 201);
  const item = await (await fetch(`${BASE}/ogc/collections/incidents/items/${created.id}`, { headers: auth })).text();
  assert.ok(item.includes('"dispatched"') && !item.includes('13900009999'));
  // The second page hears of the change over /live and reloads its incidents.
  await other.page.waitForFunction(() => (window.minqing.app.liveChanges || 0) > 0, null, { timeout: 15000 });
  assert.deepEqual(errors, []);
  assert.deepEqual(other.errors, []);
  await context.close();
  await other.context.close();
});

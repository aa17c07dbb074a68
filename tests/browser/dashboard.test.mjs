// The 接诉即办 dashboard (/dashboard) in a real browser: the ranking table
// and the choropleth of the communities render for the public (rates from
// the published monthly atoms, by community or patch) and for staff (counts
// and the overdue list too); the table sorts.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshot, BASE, STAFF_TOKEN } from './helpers.mjs';

let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

async function dashboard(page) {
  await page.waitForFunction(() => (window.minqingDashboard && window.minqingDashboard.ready) || !document.querySelector('#fatal').hidden,
    null, { timeout: 60000 });
  const fatal = await page.evaluate(() => document.querySelector('#fatal').hidden ? null : document.querySelector('#fatal').textContent);
  assert.equal(fatal, null);
}

test('the public dashboard ranks communities from the published monthly atoms only', async t => {
  const { page, errors, context } = await openPage(browser);
  await page.goto(BASE + '/dashboard?embed=1');
  await dashboard(page);
  const heads = await page.$$eval('#ranking th', els => els.map(e => e.textContent));
  assert.ok(heads.includes('响应率') && !heads.includes('诉求数'), 'rates, no counts: ' + heads.join(','));
  assert.ok(await page.locator('#ranking tbody tr').count() > 0, 'a row per community');
  assert.match(await page.locator('#note').textContent(), /公众视图/);
  const windows = await page.$$eval('#window option', els => els.map(e => e.textContent));
  assert.ok(windows.every(w => /月/.test(w)), 'whole months only: ' + windows);
  const by = await page.$$eval('#by option', els => els.map(e => e.value));
  assert.deepEqual(by, ['community', 'patch']);
  // Every rate the page asked for was answered from whole months.
  const asked = await page.evaluate(() => performance.getEntriesByType('resource').map(e => e.name).filter(u => u.includes('/rates')));
  assert.ok(asked.length > 0 && asked.every(u => !/datetime=\d{4}-\d{2}-\d{2}/.test(decodeURIComponent(u))), asked.join(' '));
  t.diagnostic('screenshot: ' + await screenshot(page, 'dashboard-public.png'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the public dashboard on a phone (390×844, touch): the ranking fits, the month window is a tap away', async t => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true,
    deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(BASE + '/dashboard');
  await dashboard(page);
  assert.ok(await page.locator('#ranking tbody tr').count() > 0, 'ranking rows');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
  await page.locator('#window').selectOption('3');
  await page.waitForFunction(() => /、/.test(document.querySelector('#note').textContent) || /暂无/.test(document.querySelector('#note').textContent),
    null, { timeout: 30000 });
  t.diagnostic('screenshot: ' + await screenshot(page, 'dashboard-public-phone.png'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('staff see the ranking and the choropleth', async t => {
  if (!STAFF_TOKEN) { t.skip('no staff token'); return; }
  const { page, errors, context } = await openPage(browser);
  await page.goto(BASE + '/dashboard?embed=1&token=' + encodeURIComponent(STAFF_TOKEN));
  await dashboard(page);
  const heads = await page.$$eval('#ranking th', els => els.map(e => e.textContent));
  assert.ok(heads.includes('响应率') && heads.includes('综合得分'), heads.join(','));
  assert.ok(await page.locator('#ranking tbody tr').count() > 0, 'ranking rows');
  const coloured = await page.evaluate(() => {
    const { map } = window.minqingDashboard;
    return map.querySourceFeatures('communities').filter(f => {
      const s = map.getFeatureState({ source: 'communities', id: f.properties.name });
      return s.color && s.color !== '#e9ecef';
    }).length;
  });
  assert.ok(coloured > 0, 'communities coloured by their rate');
  t.diagnostic('screenshot: ' + await screenshot(page, 'dashboard-rates.png'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('staff see counts and the overdue list; the table sorts by a column', async t => {
  if (!STAFF_TOKEN) { t.skip('no staff token'); return; }
  const { page, errors, context } = await openPage(browser);
  await page.goto(BASE + '/');
  await page.evaluate(token => sessionStorage.setItem('minqing.token', token), STAFF_TOKEN);
  await page.goto(BASE + '/dashboard');
  await dashboard(page);
  const heads = await page.$$eval('#ranking th', els => els.map(e => e.textContent));
  assert.ok(heads.includes('诉求数'), heads.join(','));
  await page.locator('#ranking th[data-key="count"]').click();
  const counts = await page.$$eval('#ranking tbody tr td:nth-child(3)', els => els.map(e => Number(e.textContent)));
  assert.ok(counts.length > 1 && counts.every((c, i) => i === 0 || counts[i - 1] >= c), 'sorted by count, descending: ' + counts);
  await page.locator('#overdue-box').waitFor({ state: 'visible', timeout: 30000 });
  t.diagnostic('screenshot: ' + await screenshot(page, 'dashboard-staff.png'));
  assert.deepEqual(errors, []);
  await context.close();
});

// The 民情图 web map in a real browser: it loads without errors, lists the
// layers /layers lists, draws and hides layers, opens a community's panel,
// draws the hotspot overlay, keeps its state in the URL, exports, lets staff
// log in, renders the embed page, and never asks any other origin.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, ready, idle, screenshot, pixelOf, allRequests, BASE, STAFF_TOKEN } from './helpers.mjs';

let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

async function layerNames(token) {
  const res = await fetch(BASE + '/layers', { headers: token ? { Authorization: 'Bearer ' + token } : {} });
  assert.equal(res.status, 200);
  return (await res.json()).layers.map(l => l.name);
}

describe('the map page', () => {
  test('loads with no console errors and reports its first render', async t => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(BASE + '/');
    await ready(page);
    const m = await page.evaluate(() => ({
      firstRender: performance.getEntriesByName('mq:first-render')[0].startTime,
      script: performance.getEntriesByName('mq:script')[0].startTime,
      data: performance.getEntriesByName('mq:data')[0].startTime,
    }));
    const line = `first render of the demo (cold server cache): ${m.firstRender.toFixed(0)} ms after navigation ` +
      `(page script ran at ${m.script.toFixed(0)} ms, its data had loaded at ${m.data.toFixed(0)} ms)`;
    console.log(line);
    t.diagnostic(line);
    const shot = await screenshot(page, 'map.png');
    // Warm loads: the browser's and the server's caches filled.
    const warm = [];
    for (let i = 0; i < 3; i++) {
      await page.reload();
      await ready(page);
      warm.push(await page.evaluate(() => performance.getEntriesByName('mq:first-render')[0].startTime));
    }
    warm.sort((a, b) => a - b);
    const wline = `first render, warm reloads: ${warm.map(v => v.toFixed(0)).join(', ')} ms (median ${warm[1].toFixed(0)} ms)`;
    console.log(wline);
    t.diagnostic(wline);
    t.diagnostic('screenshot: ' + shot);
    assert.deepEqual(errors, []);
    assert.ok(await page.evaluate(() => window.minqing.mapview.renderedCount('communities')) > 0, 'communities are drawn');
    await context.close();
  });

  test('lists exactly the layers /layers gives the public', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(BASE + '/');
    await ready(page);
    const listed = await page.$$eval('#layers li[data-layer]', els => els.map(e => e.dataset.layer));
    const api = await layerNames();
    assert.deepEqual([...listed].sort(), [...api].sort());
    assert.ok(!listed.includes('care_targets'), 'care_targets is staff-only');
    await context.close();
  });

  test('toggling a layer changes what is drawn', async () => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(BASE + '/');
    await ready(page);
    const count = () => page.evaluate(() => window.minqing.mapview.renderedCount('communities'));
    const before = await count();
    const pixelsBefore = await page.locator('#map canvas').screenshot();
    assert.ok(before > 0, 'communities drawn at first');
    await page.locator('#layers li[data-layer="communities"] input[type=checkbox]').uncheck();
    await idle(page);
    assert.equal(await count(), 0, 'no community drawn once hidden');
    const pixelsAfter = await page.locator('#map canvas').screenshot();
    assert.notDeepEqual(pixelsAfter, pixelsBefore, 'the canvas changed');
    assert.match(await page.evaluate(() => location.hash), /layers=/, 'the visible layers are in the URL');
    await page.locator('#layers li[data-layer="communities"] input[type=checkbox]').check();
    await idle(page);
    assert.equal(await count(), before, 'the same communities drawn again');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('clicking a community opens its panel with its name and incident counts', async t => {
    const { page, errors, requests, context } = await openPage(browser);
    await page.goto(BASE + '/#t=12m');
    await ready(page);
    const name = '北大地西区';
    const at = await pixelOf(page, 'communities', name);
    assert.ok(at, `a pixel of ${name} with nothing on top`);
    await page.mouse.click(at.x, at.y);
    await page.locator('#info .info-title').waitFor();
    assert.equal(await page.locator('#info .info-title').textContent(), name);
    assert.equal(await page.locator('#info').getAttribute('data-layer'), 'communities');
    await page.locator('#info table.counts tr.total').waitFor();
    const total = Number((await page.locator('#info tr.total td').textContent()).replace(/[^0-9]/g, ''));
    assert.ok(total > 0, 'a year of demo incidents in the community');
    await page.locator('#info .incident-stats[data-chart="ready"]').waitFor();
    // The public gets the published figures, never the incidents themselves.
    assert.ok(requests.some(r => r.url.includes('/incidents/summary?')), 'the panel asks /incidents/summary');
    assert.ok(requests.every(r => !r.url.includes('/ogc/collections/incidents')), 'no raw incident is fetched');
    assert.match(await page.evaluate(() => location.hash), /sel=communities:/, 'the open panel is in the URL');
    t.diagnostic('screenshot: ' + await screenshot(page, 'community-panel.png'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('clicking a street shows its three chiefs', async () => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(BASE + '/#layers=streets&map=16.00/39.85750/116.28750');
    await ready(page);
    const at = await page.evaluate(() => {
      const { map } = window.minqing;
      const f = map.queryRenderedFeatures({ layers: ['streets:line'] })[0];
      if (!f) return null;
      const c = f.geometry.type === 'LineString' ? f.geometry.coordinates : f.geometry.coordinates[0];
      const mid = c[Math.floor(c.length / 2)];
      const a = c[Math.max(0, Math.floor(c.length / 2) - 1)];
      const p = map.project([(mid[0] + a[0]) / 2, (mid[1] + a[1]) / 2]);
      const box = map.getContainer().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y, name: f.properties.name };
    });
    assert.ok(at, 'a street is drawn');
    await page.mouse.click(at.x, at.y);
    await page.locator('#info[data-layer="streets"] .info-title').waitFor();
    assert.equal(await page.locator('#info .info-title').textContent(), at.name);
    const rows = await page.$$eval('#info table.props tr', trs => Object.fromEntries(trs.map(tr => [tr.cells[0].textContent, tr.cells[1].textContent])));
    for (const title of ['街长', '巷长', '小巷管家', '巡查次数']) assert.ok(title in rows, `${title} shown`);
    assert.notEqual(rows['街长'], '—', 'the street chief is named');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the hotspot overlay renders, with counts on hover', async t => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(BASE + '/#layers=patches,communities,hotspots&hw=365d');
    await ready(page);
    const cells = await page.evaluate(() => window.minqing.map.queryRenderedFeatures({ layers: ['hotspots:fill'] })
      .map(f => f.properties.class));
    assert.ok(cells.length > 0, 'hexagons drawn');
    for (const c of cells) assert.match(c, /^(hot|cold)-(90|95|99)$|^not-significant$/);
    const at = await page.evaluate(() => {
      const { map } = window.minqing;
      const box = map.getContainer().getBoundingClientRect();
      const w = map.getCanvas().clientWidth, h = map.getCanvas().clientHeight;
      let best = null;
      for (let y = 20; y < h - 20; y += 12) {
        for (let x = 20; x < w - 20; x += 12) {
          const f = map.queryRenderedFeatures([x, y], { layers: ['hotspots:fill'] })[0];
          if (f && (!best || (f.properties.class.startsWith('hot') && !best.hot))) {
            best = { x: box.left + x, y: box.top + y, hot: f.properties.class.startsWith('hot') };
            if (best.hot) return best;
          }
        }
      }
      return best;
    });
    assert.ok(at, 'a hexagon to hover');
    await page.mouse.move(at.x, at.y);
    await page.locator('.hot-tip .hot-count').waitFor();
    const text = await page.locator('.hot-tip').textContent();
    assert.match(text, /诉求数/);
    t.diagnostic('screenshot: ' + await screenshot(page, 'hotspots.png'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the time window is in the URL and a shared link restores it', async () => {
    const { page, errors, requests, context } = await openPage(browser);
    await page.goto(BASE + '/');
    await ready(page);
    // The public gets whole closed months: the last 12, all, or one.
    const wins = await page.$$eval('#timebar button[data-win]', bs => bs.map(b => b.dataset.win));
    assert.deepEqual(wins, ['12m', 'all', 'month']);
    await page.locator('#timebar button[data-win="all"]').click();
    await page.locator('#timebar button[data-win="12m"]').click();
    await page.locator('#f-category').selectOption('停电');
    await idle(page);
    const hash = await page.evaluate(() => new Promise(r => setTimeout(() => r(location.hash), 300)));
    assert.match(hash, /t=12m/);
    assert.match(decodeURIComponent(hash), /cat=停电/);
    const tileURL = requests.map(r => r.url).filter(u => u.includes('/tiles/incidents/')).pop();
    const q = new URL(tileURL).searchParams;
    const [from, to] = q.get('datetime').split('/');
    assert.match(from, /^\d{4}-\d{2}-01$/, 'starts on the first of a month');
    const end = new Date(Date.parse(to) + 86400000);
    assert.equal(end.getUTCDate(), 1, 'ends on the last day of a month');
    const thisMonth = new Date().toISOString().slice(0, 7);
    assert.ok(to.slice(0, 7) < thisMonth, 'the month in progress is not published');
    assert.equal(q.get('category'), '停电');
    assert.equal(q.get('status'), null, 'no status filter for the public');

    // The month slider: a month at a time, and play steps to the next.
    await page.locator('#timebar button[data-win="month"]').click();
    await page.locator('#month-slider').fill('0');
    await idle(page);
    const first = await page.locator('.month-label').textContent();
    assert.match(first, /^\d{4}-\d{2}$/);
    const monthTile = requests.map(r => r.url).filter(u => u.includes('/tiles/incidents/')).pop();
    assert.equal(new URL(monthTile).searchParams.get('datetime').slice(0, 10), first + '-01');
    await page.locator('#month-play').click();
    await page.waitForFunction(m => document.querySelector('.month-label').textContent !== m, first, { timeout: 5000 });
    await page.locator('#month-play').click(); // pause
    assert.match(await page.evaluate(() => location.hash), /t=m:\d{4}-\d{2}/);

    const { page: page2, context: c2 } = await openPage(browser);
    await page2.goto(BASE + '/' + hash);
    await ready(page2);
    assert.equal(await page2.locator('#timebar button[data-win="12m"]').getAttribute('aria-pressed'), 'true');
    assert.equal(await page2.locator('#f-category').inputValue(), '停电');
    assert.deepEqual(errors, []);
    await context.close();
    await c2.close();
  });

  test('export downloads the filtered layer', async t => {
    if (!STAFF_TOKEN) { t.skip('no staff token'); return; }
    const { page, errors, context } = await openPage(browser);
    // Incidents are exported to staff; the public has no incidents export.
    await page.goto(BASE + '/');
    await ready(page);
    assert.equal(await page.locator('#export-layer option[value="incidents"]').count(), 0, 'no incidents export for the public');
    await page.evaluate(token => sessionStorage.setItem('minqing.token', token), STAFF_TOKEN);
    await page.goto(BASE + '/#t=30d');
    await page.reload();
    await ready(page);
    await page.locator('#export-layer').selectOption('incidents');
    await page.locator('#export-format').selectOption('csv');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-btn').click()]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const body = await (await download.createReadStream()).toArray();
    const text = Buffer.concat(body).toString('utf8');
    const lines = text.trim().split(/\r?\n/);
    assert.ok(lines.length > 1, 'a header and rows');
    assert.match(lines[0], /问题分类/, 'Chinese column titles');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the public sees published cells with counts and a plain note, never points', async t => {
    const { page, errors, requests, context } = await openPage(browser);
    await page.goto(BASE + '/#map=15.00/39.85750/116.28750');
    await ready(page);
    await page.locator('#public-note').waitFor();
    assert.match(await page.locator('#public-note').textContent(), /按月.*网格.*少于5条/);
    const feats = await page.evaluate(() => window.minqing.map.queryRenderedFeatures({ layers: ['incidents:cluster', 'incidents:hidden', 'incidents:point'] })
      .map(f => ({ layer: f.layer.id, props: f.properties })));
    assert.ok(feats.length > 0, 'the street\'s complaints are on the map');
    for (const f of feats) {
      assert.notEqual(f.layer, 'incidents:point', 'no incident point');
      assert.match(f.props.h3, /^89[0-9a-f]{13}$/, 'a published res-9 cell');
      assert.ok(f.props.count >= 5 || f.props.suppressed === true, `count ${f.props.count} or suppressed`);
    }
    const tiles = requests.map(r => r.url).filter(u => u.includes('/tiles/incidents/'));
    assert.ok(tiles.length > 0 && tiles.every(u => !new URL(u).searchParams.has('status')));
    t.diagnostic('screenshot: ' + await screenshot(page, 'public-cells.png'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('staff log in with a token and see care_targets; log out hides them', async t => {
    if (!STAFF_TOKEN) { t.skip('no staff token'); return; }
    const { page, errors, requests, context } = await openPage(browser);
    await page.goto(BASE + '/');
    await ready(page);
    assert.equal(await page.locator('#layers li[data-layer="care_targets"]').count(), 0);
    await page.locator('#login-btn').click();
    await page.locator('#token').fill(STAFF_TOKEN);
    await Promise.all([page.waitForEvent('load'), page.locator('#login-form button[type=submit]').click()]);
    await ready(page);
    assert.equal(await page.evaluate(() => window.minqing.role), 'staff');
    const listed = await page.$$eval('#layers li[data-layer]', els => els.map(e => e.dataset.layer));
    assert.deepEqual([...listed].sort(), [...await layerNames(STAFF_TOKEN)].sort());
    assert.ok(listed.includes('care_targets'));
    assert.ok(await page.evaluate(() => window.minqing.mapview.renderedCount('care_targets')) > 0, 'care targets drawn');
    const tiles = requests.filter(r => r.url.includes('/tiles/') && r.url.includes('care_targets'));
    assert.ok(tiles.length > 0);
    assert.ok(tiles.every(r => r.headers.authorization === 'Bearer ' + STAFF_TOKEN), 'tiles carry the token as a header');
    assert.ok(requests.every(r => !r.url.includes(STAFF_TOKEN)), 'the token is never in a URL');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('minqing.token')), STAFF_TOKEN);
    t.diagnostic('screenshot: ' + await screenshot(page, 'staff.png'));

    await Promise.all([page.waitForEvent('load'), page.locator('#login-btn').click()]);
    await ready(page);
    assert.equal(await page.evaluate(() => window.minqing.role), 'public');
    assert.equal(await page.locator('#layers li[data-layer="care_targets"]').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('switches to English and back', async () => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(BASE + '/');
    await ready(page);
    await page.locator('#lang-btn').click();
    assert.equal(await page.locator('h1').textContent(), 'Fengtai Subdistrict community map');
    assert.equal(await page.locator('#layers li[data-layer="communities"] .layer-title').textContent(), 'Communities');
    await page.locator('#lang-btn').click();
    assert.equal(await page.locator('h1').textContent(), '丰台街道民情图');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('the embed page', () => {
  test('renders only the layers asked for, without the page chrome', async t => {
    const { page, errors, context } = await openPage(browser, { viewport: { width: 800, height: 600 } });
    await page.goto(BASE + '/embed?layers=communities,hotspots&bbox=116.27,39.845,116.305,39.87&legend=1');
    await ready(page);
    assert.deepEqual(await page.evaluate(() => window.minqing.catalog.map(l => l.name)), ['communities', 'hotspots']);
    assert.ok(await page.evaluate(() => window.minqing.mapview.renderedCount('communities')) > 0);
    assert.ok(await page.evaluate(() => window.minqing.mapview.renderedCount('hotspots')) > 0);
    assert.equal(await page.locator('#top, #side').count(), 0, 'no header or side panel');
    const b = await page.evaluate(() => window.minqing.map.getBounds().toArray().flat());
    assert.ok(b[0] <= 116.275 && b[2] >= 116.30 && b[1] <= 39.85 && b[3] >= 39.865, 'the bbox is in view: ' + b);
    t.diagnostic('screenshot: ' + await screenshot(page, 'embed.png'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an embed with ?token= sends it as a header; the server copies it nowhere', async t => {
    if (!STAFF_TOKEN) { t.skip('no staff token'); return; }
    const { page, errors, requests, context } = await openPage(browser, { viewport: { width: 800, height: 600 } });
    await page.goto(BASE + '/embed?layers=care_targets&bbox=116.27,39.845,116.305,39.87&token=' + STAFF_TOKEN);
    await ready(page);
    assert.ok(await page.evaluate(() => window.minqing.mapview.renderedCount('care_targets')) > 0, 'care targets drawn');
    const api = requests.filter(r => r.url.includes('/tiles/'));
    assert.ok(api.length > 0, 'TileJSON and tiles requested');
    assert.ok(api.every(r => r.headers.authorization === 'Bearer ' + STAFF_TOKEN), 'TileJSON and tiles carry the token as a header');
    assert.ok(requests.filter(r => !r.url.includes('/embed?')).every(r => !r.url.includes(STAFF_TOKEN)), 'only the page URL has the token');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('offline', () => {
  test('every request stays on the server\'s origin', () => {
    assert.ok(allRequests.length > 20, 'the tests made requests');
    const origin = new URL(BASE).origin;
    const away = allRequests.map(r => r.url).filter(u => !u.startsWith(origin + '/') && !/^(data|blob):/.test(u));
    assert.deepEqual(away, []);
  });
});

// The map's tools: search flies to a feature and opens its panel (staff
// also find an incident by its 工单编号), copy link, print and PNG of the
// view; and the first-render time at desktop and phone sizes (printed,
// never asserted).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, ready, screenshot, BASE, STAFF_TOKEN } from './helpers.mjs';

let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

describe('search', () => {
  test('a community by name: the map flies there and opens its panel', async () => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(BASE + '/#t=12m');
    await ready(page);
    assert.equal(await page.getByRole('search').getByLabel('搜索').count(), 1, 'the box is labelled');
    await page.locator('#search').fill('北大地西区');
    await page.locator('#search').press('Enter');
    await page.locator('#info .info-title').waitFor();
    assert.equal(await page.locator('#info .info-title').textContent(), '北大地西区');
    await page.waitForFunction(() => location.hash.includes('sel=communities:'));
    const inView = await page.evaluate(() => {
      const f = window.minqing.labels.features.find(x => x.properties.name === '北大地西区');
      return window.minqing.map.getBounds().contains(f.geometry.coordinates);
    });
    assert.ok(inView, 'the community is in view');
    // Part of a name finds it too; nothing found says so.
    await page.locator('#search').fill('没有这个地方');
    await page.locator('#search').press('Enter');
    await page.waitForFunction(() => document.querySelector('#search-msg').textContent.includes('没有找到'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('staff find an incident by its 工单编号', async t => {
    if (!STAFF_TOKEN) { t.skip('no staff token'); return; }
    const { page, errors, context } = await openPage(browser);
    await context.addInitScript(tok => sessionStorage.setItem('minqing.token', tok), STAFF_TOKEN);
    await page.goto(BASE + '/#t=30d');
    await ready(page);
    const id = await page.evaluate(async tok => {
      const r = await fetch('/ogc/collections/incidents/items?limit=1', { headers: { Authorization: 'Bearer ' + tok } });
      return (await r.json()).features[0].properties.external_id;
    }, STAFF_TOKEN);
    assert.ok(id, 'an incident with a 工单编号');
    await page.locator('#search').fill(id);
    await page.locator('#search-btn').click();
    await page.waitForFunction(() => document.querySelector('#info').dataset.layer === 'incidents' && !document.querySelector('#info').hidden);
    assert.match(await page.locator('#info').textContent(), new RegExp(id));
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('share and print', () => {
  test('copy link puts the view\'s URL on the clipboard', async () => {
    const { page, errors, context } = await openPage(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
    await page.goto(BASE + '/#t=12m&layers=communities,incidents');
    await ready(page);
    await page.locator('#copy-link').click();
    await page.waitForFunction(() => document.querySelector('#share-msg').textContent !== '');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, await page.evaluate(() => location.href));
    assert.match(copied, /layers=communities,incidents/);
    assert.match(copied, /map=/, 'the view is in the link');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('PNG of the view: the map under a title, with legend and scale', async t => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(BASE + '/');
    await ready(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#png-btn').click()]);
    assert.match(download.suggestedFilename(), /^丰台街道民情图-\d{4}-\d{2}-\d{2}\.png$/);
    const buf = Buffer.concat(await (await download.createReadStream()).toArray());
    assert.equal(buf.subarray(1, 4).toString(), 'PNG');
    const w = buf.readUInt32BE(16);
    const hgt = buf.readUInt32BE(20);
    const canvas = await page.evaluate(() => ({ w: window.minqing.map.getCanvas().width, h: window.minqing.map.getCanvas().height }));
    assert.equal(w, canvas.w);
    assert.ok(hgt > canvas.h, 'a title band above the map');
    // The map's pixels are in it (preserveDrawingBuffer): not a blank image.
    const distinct = await page.evaluate(async () => {
      const { viewPNG } = await import('/static/js/tools.js');
      const img = new Image();
      img.src = viewPNG(window.minqing.app);
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, Math.floor(img.height / 2), img.width, 1).data;
      const set = new Set();
      for (let i = 0; i < d.length; i += 4) set.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      return set.size;
    });
    assert.ok(distinct > 3, `${distinct} colours across the middle row`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('print shows the map with title, time window, date and legend, no controls', async t => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(BASE + '/#t=12m');
    await ready(page);
    await page.evaluate(() => { window.print = () => { window.printed = true; }; });
    await page.locator('#print-btn').click();
    assert.equal(await page.evaluate(() => window.printed), true);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#print-head').isVisible(), true);
    assert.equal(await page.locator('#side').isVisible(), false);
    assert.equal(await page.locator('#top').isVisible(), false);
    const head = await page.locator('#print-head').textContent();
    assert.match(head, /丰台街道民情图/);
    assert.match(head, /近12个月/);
    assert.match(head, /\d{4}/);
    assert.ok(await page.locator('#print-head .print-legend li').count() > 0, 'a legend');
    assert.equal(await page.locator('.maplibregl-ctrl-scale').isVisible(), true, 'the scale bar');
    t.diagnostic('screenshot: ' + await screenshot(page, 'print.png'));
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('first render', () => {
  const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [name, opts] of [['1400×900', { viewport: { width: 1400, height: 900 } }],
    ['390×844', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 }]]) {
    test(`at ${name}: median of 3 cold and 3 warm loads`, async t => {
      const cold = [];
      const warm = [];
      const first = () => window.minqing.ready.then(() => performance.getEntriesByName('mq:first-render')[0].startTime);
      let context;
      for (let i = 0; i < 3; i++) {
        // Cold: a new context, so an empty browser cache.
        if (context) await context.close();
        context = await browser.newContext({ ...opts, locale: 'zh-CN' });
        const page = await context.newPage();
        await page.goto(BASE + '/');
        await ready(page);
        cold.push(await page.evaluate(first));
      }
      const page = context.pages()[0];
      for (let i = 0; i < 3; i++) {
        await page.reload();
        await ready(page);
        warm.push(await page.evaluate(first));
      }
      await context.close();
      const line = `first render at ${name}: cold ${cold.map(v => v.toFixed(0)).join(', ')} ms (median ${median(cold).toFixed(0)}), ` +
        `warm ${warm.map(v => v.toFixed(0)).join(', ')} ms (median ${median(warm).toFixed(0)})`;
      console.log(line);
      t.diagnostic(line);
      assert.equal(cold.length + warm.length, 6);
      assert.ok([...cold, ...warm].every(v => v > 0), 'each load rendered');
    });
  }
});

describe('staff: incidents in view', () => {
  test('lists the incidents in view, newest first; a click opens one', async t => {
    if (!STAFF_TOKEN) { t.skip('no staff token'); return; }
    const { page, errors, context } = await openPage(browser);
    await context.addInitScript(tok => sessionStorage.setItem('minqing.token', tok), STAFF_TOKEN);
    await page.goto(BASE + '/#t=30d&map=16.50/39.85750/116.28750');
    await ready(page);
    assert.match(await page.locator('label[for="export-layer"]').textContent(), /图层/, 'the export selects are labelled');
    await page.waitForFunction(() => document.querySelectorAll('#inview .inview-item').length > 0);
    const shown = await page.locator('#inview .inview-item').count();
    const title = await page.locator('#inview h2').textContent();
    const n = Number(title.replace(/[^0-9]/g, ''));
    assert.ok(n >= shown && shown > 0, `${title}: ${shown} listed`);
    const first = await page.locator('#inview .inview-cat').first().textContent();
    await page.locator('#inview .inview-item').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#info').dataset.layer === 'incidents' && !document.querySelector('#info').hidden);
    assert.match(await page.locator('#info').textContent(), new RegExp(first));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the public has no such list', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(BASE + '/');
    await ready(page);
    assert.equal(await page.locator('#inview').isVisible(), false);
    await context.close();
  });
});

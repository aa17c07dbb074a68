// The web map on a phone (390×844, touch) and when things fail: the time
// window is a full-width row of buttons a finger can hit, the canvas fills
// its box after the header wrapped, a tap on the map closes the drawer and
// the bottom sheet, the closed drawer leaves no shadow; hot spots use one
// cell size on every device; a banner says when the server cannot be
// reached and goes once it answers; an empty window says 0 条; the page
// saves an export under the server's Chinese file name.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, ready, idle, screenshot, pixelOf, BASE, STAFF_TOKEN } from './helpers.mjs';

let browser;

before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

/** A phone page recording console and page errors. */
async function openPhone(opts = {}) {
  const context = await browser.newContext({ ...PHONE, acceptDownloads: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...opts });
  const page = await context.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  page.on('pageerror', e => errors.push('page error: ' + (e.stack || e.message)));
  return { context, page, errors };
}

/** The canvas's drawing-buffer height in CSS px against its box. */
function canvasFit(page) {
  return page.evaluate(() => {
    const { map } = window.minqing;
    const c = map.getCanvas();
    const box = map.getContainer().getBoundingClientRect();
    return { canvas: c.getBoundingClientRect().height, box: box.height, canvasW: c.getBoundingClientRect().width, boxW: box.width,
      buffer: c.height / devicePixelRatio };
  });
}

describe('the map on a phone', () => {
  test('the time window is a full-width row of buttons, none clipped', async t => {
    const { page, errors, context } = await openPhone();
    await page.goto(BASE + '/');
    await ready(page);
    const m = await page.evaluate(() => {
      const seg = document.querySelector('#timebar .seg').getBoundingClientRect();
      const btns = [...document.querySelectorAll('#timebar .seg-btn')].map(b => {
        const r = b.getBoundingClientRect();
        return { text: b.textContent, h: r.height, left: r.left, right: r.right, clipped: b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1 };
      });
      return { seg: { w: seg.width, left: seg.left, right: seg.right }, vw: innerWidth, btns };
    });
    t.diagnostic(JSON.stringify(m));
    assert.ok(m.btns.length >= 3, 'time buttons');
    assert.ok(m.seg.w >= m.vw - 40, `the row spans the screen (${m.seg.w} of ${m.vw} px)`);
    for (const b of m.btns) {
      assert.ok(b.h >= 32, `${b.text} is ${b.h} px tall`);
      assert.ok(!b.clipped, `${b.text} is not clipped`);
      assert.ok(b.left >= m.seg.left - 1 && b.right <= m.seg.right + 1, `${b.text} lies inside the row`);
    }
    t.diagnostic('screenshot: ' + await screenshot(page, 'phone.png'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the canvas fills its box, also after the layout changes', async () => {
    const { page, errors, context } = await openPhone();
    await page.goto(BASE + '/');
    await ready(page);
    let f = await canvasFit(page);
    assert.ok(Math.abs(f.canvas - f.box) <= 1, `canvas ${f.canvas} px in a ${f.box} px box`);
    assert.ok(Math.abs(f.buffer - f.box) <= 1, `drawing buffer ${f.buffer} px for a ${f.box} px box`);
    // The header grows (as when it wraps): the canvas follows without a window resize.
    await page.evaluate(() => { document.querySelector('#top').style.paddingBottom = '60px'; });
    await page.waitForFunction(() => {
      const { map } = window.minqing;
      return Math.abs(map.getCanvas().getBoundingClientRect().height - map.getContainer().getBoundingClientRect().height) <= 1;
    }, null, { timeout: 5000 });
    f = await canvasFit(page);
    assert.ok(Math.abs(f.buffer - f.box) <= 1, `after the header grew: buffer ${f.buffer} px for a ${f.box} px box`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a tap on the map closes the drawer; closed, it casts no shadow', async t => {
    const { page, errors, context } = await openPhone();
    await page.goto(BASE + '/');
    await ready(page);
    const side = () => page.evaluate(() => {
      const el = document.querySelector('#side');
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      return { open: document.body.classList.contains('side-open'), right: r.right, shadow: cs.boxShadow, visibility: cs.visibility,
        expanded: document.querySelector('#side-toggle').getAttribute('aria-expanded') };
    });
    let s = await side();
    assert.equal(s.open, false);
    assert.equal(s.shadow, 'none', 'no shadow at the edge while closed');
    assert.equal(s.expanded, 'false');
    await page.locator('#side-toggle').tap();
    await page.waitForFunction(() => document.querySelector('#side').getBoundingClientRect().left >= -1);
    s = await side();
    assert.equal(s.open, true);
    assert.equal(s.expanded, 'true');
    t.diagnostic('screenshot: ' + await screenshot(page, 'phone-drawer.png'));
    // Tap the map to the right of the drawer.
    await page.touchscreen.tap(375, 600);
    await page.waitForFunction(() => !document.body.classList.contains('side-open'), null, { timeout: 5000 });
    await page.waitForFunction(() => getComputedStyle(document.querySelector('#side')).visibility === 'hidden', null, { timeout: 5000 });
    s = await side();
    assert.equal(s.shadow, 'none');
    assert.equal(s.expanded, 'false');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a tap on a community opens the bottom sheet; a tap on nothing closes it', async t => {
    const { page, errors, context } = await openPhone();
    await page.goto(BASE + '/#t=12m&layers=communities');
    await ready(page);
    const at = await pixelOf(page, 'communities', '北大地西区');
    assert.ok(at, 'a pixel of the community');
    await page.touchscreen.tap(at.x, at.y);
    await page.locator('#info .info-title').waitFor();
    const sheet = await page.evaluate(() => {
      const r = document.querySelector('#info').getBoundingClientRect();
      return { bottom: r.bottom, width: r.width, vh: innerHeight, vw: innerWidth };
    });
    assert.ok(Math.abs(sheet.bottom - sheet.vh) <= 1 && sheet.width >= sheet.vw - 1, 'a full-width sheet at the bottom');
    const f = await canvasFit(page);
    assert.ok(Math.abs(f.canvas - f.box) <= 1, 'the map keeps its canvas with the sheet open');
    t.diagnostic('screenshot: ' + await screenshot(page, 'phone-sheet.png'));
    // Nothing is drawn outside the street: zoom out and tap there.
    const empty = await page.evaluate(() => {
      const { map, mapview } = window.minqing;
      const ids = mapview.clickable();
      const box = map.getContainer().getBoundingClientRect();
      for (let y = 20; y < 300; y += 10) {
        for (let x = 20; x < box.width - 60; x += 10) {
          if (!map.queryRenderedFeatures([x, y], { layers: ids }).length) return { x: box.left + x, y: box.top + y };
        }
      }
      return null;
    });
    assert.ok(empty, 'a spot of the map with nothing on it');
    await page.touchscreen.tap(empty.x, empty.y);
    await page.waitForFunction(() => document.querySelector('#info').hidden, null, { timeout: 5000 });
    // The hash is written 150 ms after a change.
    await page.waitForFunction(() => !location.hash.includes('sel='), null, { timeout: 5000 });
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('hot spots on every device', () => {
  for (const [name, opts] of [['desktop', { viewport: { width: 1400, height: 900 } }], ['phone', PHONE]]) {
    test(`the ${name} asks for H3 9 cells at every zoom`, async () => {
      const context = await browser.newContext({ ...opts, locale: 'zh-CN' });
      const page = await context.newPage();
      const tiles = [];
      context.on('request', r => { if (r.url().includes('/tiles/hotspots/')) tiles.push(r.url()); });
      await context.addInitScript(tok => sessionStorage.setItem('minqing.token', tok), STAFF_TOKEN || '');
      await page.goto(BASE + '/#layers=hotspots&hw=365d');
      await ready(page);
      const role = await page.evaluate(() => window.minqing.role);
      assert.ok(tiles.length > 0, 'hot-spot tiles asked for');
      for (const u of tiles) {
        const res = new URL(u).searchParams.get('res');
        // Staff ask for 9 explicitly; the public always gets 9 from the server.
        assert.equal(res, role === 'public' ? null : '9', u);
      }
      if (role !== 'public') {
        assert.equal(await page.locator('#hot-res').inputValue(), '9');
        assert.deepEqual(await page.$$eval('#hot-res option', os => os.map(o => o.value)), ['7', '8', '9', '10', '11']);
        // A chosen size is kept in the URL (on the phone, in the drawer).
        if (name === 'phone') await page.locator('#side-toggle').tap();
        await page.locator('#hot-res').selectOption('8');
        await page.waitForFunction(() => location.hash.includes('hr=8'));
        await page.reload();
        await ready(page);
        assert.equal(await page.locator('#hot-res').inputValue(), '8');
      }
      await context.close();
    });
  }

  test('a note says when nothing is significant at the cell size', async () => {
    const { page, errors, context } = await openPhone();
    // The public's one-month window over a corner: cells, none significant, or none at all.
    await page.goto(BASE + '/#layers=hotspots&hw=12m');
    await ready(page);
    const state = await page.evaluate(() => ({ hc: window.minqing.mapview.hotspotCells(), hidden: document.querySelector('#hot-none').hidden }));
    const shouldShow = !!(state.hc && state.hc.cells > 0 && state.hc.significant === 0);
    assert.equal(!state.hidden, shouldShow, JSON.stringify(state));
    // Forcing every cell to not-significant through the source: the note appears.
    await page.evaluate(() => {
      const { mapview } = window.minqing;
      mapview.hotspotCells = () => ({ cells: 3, significant: 0 });
      window.minqing.app.notes.update();
    });
    assert.equal(await page.locator('#hot-none').isVisible(), true);
    assert.match(await page.locator('#hot-none').textContent(), /没有显著/);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('failures are visible', () => {
  test('a banner while the server cannot be reached, gone when it answers', async t => {
    const { page, context } = await openPhone({ viewport: { width: 1400, height: 900 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
    await page.goto(BASE + '/');
    await ready(page);
    assert.equal(await page.locator('#net-error').isVisible(), false);
    // The server "goes away": every request fails.
    await context.route('**/*', route => route.abort('connectionrefused'));
    await page.locator('#timebar .seg-btn[data-win="12m"], #timebar .seg-btn[data-win="30d"]').first().click();
    await page.locator('#net-error').waitFor({ state: 'visible', timeout: 15000 });
    assert.match(await page.locator('#net-error').textContent(), /无法连接服务器/);
    assert.equal(await page.locator('#win-empty').isVisible(), false, 'a failure is not shown as "0 条"');
    t.diagnostic('screenshot: ' + await screenshot(page, 'server-down.png'));
    // It comes back: the next tiles load and the banner goes.
    await context.unroute('**/*');
    await page.locator('#timebar .seg-btn[data-win="all"], #timebar .seg-btn[data-win="7d"]').first().click();
    await page.locator('#net-error').waitFor({ state: 'hidden', timeout: 15000 });
    await context.close();
  });

  test('an empty window says 0 条', async () => {
    if (!STAFF_TOKEN) return;
    const { page, errors, context } = await openPhone({ viewport: { width: 1400, height: 900 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
    await context.addInitScript(tok => sessionStorage.setItem('minqing.token', tok), STAFF_TOKEN);
    // A custom window long before the demo's data.
    await page.goto(BASE + '/#t=custom&from=2001-01-01&to=2001-01-31');
    await ready(page);
    await page.locator('#win-empty').waitFor({ state: 'visible' });
    assert.match(await page.locator('#win-empty').textContent(), /0 条/);
    await page.locator('#timebar .seg-btn[data-win="30d"]').click();
    await idle(page);
    await page.locator('#win-empty').waitFor({ state: 'hidden' });
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('exports', () => {
  test('the page saves the file under the server\'s Chinese name', async () => {
    if (!STAFF_TOKEN) return;
    const { page, errors, context } = await openPhone({ viewport: { width: 1400, height: 900 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
    await context.addInitScript(tok => sessionStorage.setItem('minqing.token', tok), STAFF_TOKEN);
    await page.goto(BASE + '/#t=30d');
    await ready(page);
    await page.locator('#export-layer').selectOption('incidents');
    await page.locator('#export-format').selectOption('csv');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-btn').click()]);
    assert.match(download.suggestedFilename(), /^诉求-\d{8}\.csv$/);
    const names = await page.evaluate(async () => {
      const api = await import('/static/js/api.js');
      return [
        api.dispositionName(`attachment; filename="incidents-20260305.csv"; filename*=UTF-8''%E8%AF%89%E6%B1%82-20260305.csv`),
        api.dispositionName('attachment; filename="a.kml"'),
        api.dispositionName("attachment; filename*=utf-8''%E5%B0%8F.csv; filename=x.csv"),
      ];
    });
    assert.deepEqual(names, ['诉求-20260305.csv', 'a.kml', '小.csv']);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

// The embed (/embed) and framing (#15 item 6): the hover tooltip and the
// click popup never show together, the popup stays inside the frame
// (flipped or shifted) at a phone's 390×844 with touch, at 1400×900 and in
// a small iframe; another site may frame /embed but not / (frame-ancestors);
// the map's export selects have visible labels; the tooltip goes when a
// panel opens.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch, openPage, ready, idle, screenshot, BASE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const EMBED = '/embed?layers=communities,hotspots&legend=1';

// Another site framing the map: a page served by the test itself on
// another port (another origin, on this machine, so Chromium's local-network
// checks let it frame the loopback server), GET /frame?html=… answers html.
let OTHER;
let otherServer;
before(async () => {
  otherServer = createServer((req, res) => {
    const html = new URL(req.url, 'http://x').searchParams.get('html') || '';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise(resolve => otherServer.listen(0, '127.0.0.1', resolve));
  OTHER = `http://127.0.0.1:${otherServer.address().port}`;
});
after(() => otherServer && otherServer.close());
const framePage = body => `${OTHER}/frame?html=${encodeURIComponent('<!doctype html>' + body)}`;

/** Pixels (page coordinates) of the map where a hot-spot cell is drawn and a community can be clicked. */
function hotPixels(page) {
  return page.evaluate(() => {
    const { map, mapview } = window.minqing;
    const hot = mapview.ids('hotspots').filter(i => i.endsWith(':fill'));
    const click = mapview.clickable();
    const c = map.getCanvas();
    const box = map.getContainer().getBoundingClientRect();
    const out = [];
    for (let x = 8; x < c.clientWidth - 8; x += 8) {
      for (let y = 8; y < c.clientHeight - 8; y += 8) {
        // Not under a control (legend, attribution): the map itself.
        if (document.elementFromPoint(box.left + x, box.top + y) !== c) continue;
        if (map.queryRenderedFeatures([x, y], { layers: hot }).length && map.queryRenderedFeatures([x, y], { layers: click }).length) {
          out.push({ x: box.left + x, y: box.top + y });
        }
      }
    }
    return { pts: out, w: c.clientWidth, h: c.clientHeight };
  });
}

/** The page rectangles of the tooltip and the popup (null when not shown). */
function popups(page) {
  return page.evaluate(() => {
    const rect = sel => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    return { tip: rect('.hot-popup'), pop: rect('.embed-popup'), vw: innerWidth, vh: innerHeight };
  });
}

function assertInside(p, what) {
  assert.ok(p.pop, `${what}: the popup is open`);
  assert.ok(p.pop.left >= 0 && p.pop.top >= 0 && p.pop.right <= p.vw + 0.5 && p.pop.bottom <= p.vh + 0.5,
    `${what}: the popup ${JSON.stringify(p.pop)} lies inside the ${p.vw}×${p.vh} frame`);
}

describe('embed: tooltip, popup, frame', () => {
  test('1400×900: the tooltip hides while the popup is open; the popup stays inside near the edges', async () => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(BASE + EMBED);
    await ready(page);
    const { pts } = await hotPixels(page);
    assert.ok(pts.length > 10, 'hot-spot cells over communities are drawn');
    const a = pts[Math.floor(pts.length / 2)];
    await page.mouse.move(a.x, a.y);
    await page.waitForSelector('.hot-popup');
    let p = await popups(page);
    assert.ok(p.tip && !p.pop, 'hovering a cell shows the tooltip only');

    await page.mouse.click(a.x, a.y);
    await page.waitForSelector('.embed-popup');
    p = await popups(page);
    assert.equal(p.tip, null, 'the click hides the tooltip');
    // Moving over other cells while the popup is open brings no tooltip.
    for (const q of pts.slice(0, 40).filter((_, i) => i % 8 === 0)) {
      await page.mouse.move(q.x, q.y);
      assert.equal((await popups(page)).tip, null, 'no tooltip over an open popup');
    }
    await screenshot(page, 'embed-popup-1400.png');
    // Closing the popup brings hovering back.
    await page.locator('.embed-popup .maplibregl-popup-close-button').click();
    await page.mouse.move(a.x + 1, a.y + 1);
    await page.mouse.move(a.x, a.y);
    await page.waitForSelector('.hot-popup');

    // Clicks by the four edges: the popup stays inside.
    const edge = [
      pts.reduce((m, q) => (q.x > m.x ? q : m)), pts.reduce((m, q) => (q.x < m.x ? q : m)),
      pts.reduce((m, q) => (q.y > m.y ? q : m)), pts.reduce((m, q) => (q.y < m.y ? q : m)),
    ];
    for (const q of edge) {
      await page.mouse.click(q.x, q.y);
      await page.waitForSelector('.embed-popup');
      assertInside(await popups(page), `click at ${q.x},${q.y}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  for (const [name, size] of [['a small 320×240 iframe', { width: 320, height: 240 }], ['a phone 390×844', null]]) {
    test(`${name}: a tap by the edge opens a popup inside the frame, with no tooltip`, async () => {
      const context = await browser.newContext(size ? { viewport: size, hasTouch: true } : PHONE);
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', e => errors.push(e.message));
      // The embed framed by another site, as a dashboard does.
      await page.goto(framePage(`<meta name="viewport" content="width=device-width, initial-scale=1"><style>body{margin:0}iframe{border:0;width:100vw;height:100vh;display:block}</style><iframe src="${BASE}${EMBED}"></iframe>`));
      // goto waits for the load event, the iframe's included.
      const frame = page.frames().find(f => f.url().startsWith(BASE + '/embed'));
      assert.ok(frame, 'the embed is framed');
      await frame.waitForFunction(() => !!(window.minqing && window.minqing.ready), null, { timeout: 60000 });
      await frame.evaluate(() => window.minqing.ready);
      const { pts, w, h } = await hotPixels(frame);
      assert.ok(pts.length, 'cells over communities in the frame');
      // The point nearest the bottom-right corner: the popup must flip or shift.
      const q = pts.reduce((m, p) => (p.x + p.y > m.x + m.y ? p : m));
      const box = await page.evaluate(() => { const r = document.querySelector('iframe').getBoundingClientRect(); return { x: r.left, y: r.top }; });
      await page.touchscreen.tap(box.x + q.x, box.y + q.y);
      await frame.waitForSelector('.embed-popup');
      const p = await popups(frame);
      assertInside(p, `${w}×${h} tap at ${q.x},${q.y}`);
      assert.equal(p.tip, null, 'no tooltip with the popup');
      await screenshot(page, `embed-popup-${size ? 'small' : 'phone'}.png`);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test('another site may frame /embed and not /', async () => {
    const { page, context } = await openPage(browser, { viewport: { width: 900, height: 500 } });

    const blocked = [];
    page.on('console', m => { if (/frame-ancestors|Refused to (display|frame)/.test(m.text())) blocked.push(m.text()); });
    await page.goto(framePage(`<iframe id="map" src="${BASE}/" width="400" height="300"></iframe><iframe id="embed" src="${BASE}/embed" width="400" height="300"></iframe>`));
    const embed = await (await page.waitForSelector('#embed')).contentFrame();
    await embed.waitForFunction(() => !!(window.minqing && window.minqing.ready), null, { timeout: 60000 });
    await page.waitForFunction(() => true);
    // The blocked frame never runs the map's script.
    const mapFrame = await (await page.$('#map')).contentFrame();
    const started = await mapFrame.evaluate(() => !!window.minqing).catch(() => false);
    assert.equal(started, false, 'the map at / does not run inside another site\'s frame');
    assert.ok(blocked.length >= 1, 'Chromium says it refused to frame /');
    for (const [path, framable] of [['/', false], ['/embed', true], ['/dashboard', false], ['/dashboard?embed=1', true]]) {
      const res = await page.request.get(BASE + path);
      const csp = res.headers()['content-security-policy'] || '';
      assert.equal(!csp.includes('frame-ancestors'), framable, `${path}: CSP ${csp}`);
    }
    await context.close();
  });
});

describe('the map: labels and the tooltip', () => {
  test('the export selects have visible labels; the tooltip goes when a panel opens', async () => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(BASE + '/');
    await ready(page);
    for (const [id, text] of [['export-layer', '图层'], ['export-format', '格式']]) {
      const label = await page.evaluate(id => [...document.getElementById(id).labels].map(l => l.textContent.trim()).join('|'), id);
      assert.ok(label.startsWith(text), `#${id} is labelled "${text}" (${label})`);
      assert.ok(await page.locator(`label[for=${id}] > span`).isVisible(), `the label ${text} is shown`);
    }
    // Hover a hot-spot cell over a community, then click it: the panel opens, the tooltip goes.
    await page.evaluate(() => { const { map } = window.minqing; map.jumpTo({ zoom: 14.2 }); });
    await idle(page);
    const { pts } = await hotPixels(page);
    assert.ok(pts.length, 'cells over communities');
    const a = pts[Math.floor(pts.length / 3)];
    await page.mouse.move(a.x, a.y);
    await page.waitForSelector('.hot-popup');
    await page.mouse.click(a.x, a.y);
    await page.waitForSelector('#info:not([hidden])');
    assert.equal(await page.$('.hot-popup'), null, 'the tooltip went when the panel opened');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('value names and colours come from /layers, in both languages', async () => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(BASE + '/#lang=zh');
    await ready(page);
    const served = await page.evaluate(async () => {
      const res = await fetch('/layers', { headers: { Accept: 'application/json' } }).then(r => r.json());
      const f = res.layers.find(l => l.name === 'streets').fields.find(x => x.name === 'kind');
      return f.values;
    });
    assert.ok(served.length >= 2 && served.every(v => v.zh && v.en && /^#[0-9a-f]{6}$/.test(v.color)));
    // The legend of the streets draws the served colours under the served names.
    const legend = async () => page.evaluate(() => window.minqing.app.legend().filter(e => e.kind === 'line' && e.width));
    let l = await legend();
    for (const v of served) assert.ok(l.some(e => e.color === v.color && e.text === v.zh), `${v.value}: ${JSON.stringify(l)}`);
    await page.locator('#lang-btn').click();
    l = await legend();
    for (const v of served) assert.ok(l.some(e => e.color === v.color && e.text === v.en), `${v.value} in English: ${JSON.stringify(l)}`);
    // The page's scripts keep no copy of the vocabulary.
    for (const f of ['i18n.js', 'styles.js']) {
      const src = await (await page.request.get(`${BASE}/static/js/${f}`)).text();
      for (const word of ['已受理', 'In progress', '#e41a1c', '开墙打洞', '#8c4a12']) assert.ok(!src.includes(word), `${f} holds ${word}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
});

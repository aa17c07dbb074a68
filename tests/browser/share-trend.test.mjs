// The QR code of the view and the trend with its month slider (#15 item
// 7), at 1400×900 and at a phone's 390×844 with touch: the 二维码 button
// opens a labelled dialog whose code comes from this server (/qr.svg of the
// page's own link) and Esc closes it; the trend shows monthly published
// figures to the public and weekly counts to staff, its slider is moved by
// the keyboard and names its window for screen readers.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, ready, screenshot, BASE, STAFF_TOKEN } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

const SIZES = {
  desktop: { viewport: { width: 1400, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
};

async function open(size, { staff = false } = {}) {
  const context = await browser.newContext({ ...SIZES[size], locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  if (staff) await context.addInitScript(tok => sessionStorage.setItem('minqing.token', tok), STAFF_TOKEN);
  const page = await context.newPage();
  const errors = [];
  const offOrigin = [];
  page.on('pageerror', e => errors.push(e.message));
  page.on('request', r => { if (!r.url().startsWith(BASE) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) offOrigin.push(r.url()); });
  await page.goto(BASE + '/');
  await ready(page);
  if (size === 'phone') await page.locator('#side-toggle').tap();
  return { context, page, errors, offOrigin };
}

describe('QR code of the view', () => {
  for (const size of ['desktop', 'phone']) {
    test(`${size}: the dialog opens, is labelled, shows this server's code of the link, closes with Esc`, async () => {
      const { context, page, errors, offOrigin } = await open(size);
      const btn = page.locator('#qr-btn');
      assert.equal((await btn.textContent()).trim(), '二维码');
      await btn.scrollIntoViewIfNeeded();
      if (size === 'phone') await btn.tap(); else await btn.click();
      const dialog = page.locator('#qr-dialog');
      await dialog.waitFor({ state: 'visible' });
      const d = await page.evaluate(() => {
        const el = document.querySelector('#qr-dialog');
        const img = el.querySelector('img');
        return {
          modal: el.open && el.matches(':modal'), labelledby: el.getAttribute('aria-labelledby'),
          title: document.getElementById(el.getAttribute('aria-labelledby')).textContent,
          src: img.getAttribute('src'), alt: img.alt, focus: document.activeElement.id, href: location.href,
        };
      });
      assert.ok(d.modal, 'a modal dialog');
      assert.equal(d.title, '扫码在手机上打开');
      assert.ok(d.alt.length > 0, 'the code has a text alternative');
      assert.equal(d.focus, 'qr-close', 'focus moves into the dialog');
      const u = new URL(d.src, BASE);
      assert.equal(u.origin, BASE, 'the code comes from this server');
      assert.equal(u.pathname, '/qr.svg');
      const link = new URL(d.href);
      assert.equal(u.searchParams.get('u'), link.pathname + link.search + link.hash, 'the code is of the page\'s own link');
      await page.waitForFunction(() => document.querySelector('#qr-img').complete && document.querySelector('#qr-img').naturalWidth > 0);
      const svg = await (await page.request.get(u.toString())).text();
      assert.ok(svg.includes(`<title>${BASE}${link.pathname}`), 'the encoded link is on the server\'s address');
      await screenshot(page, `qr-${size}.png`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      assert.deepEqual(offOrigin, [], 'no request off the origin');
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
});

describe('trend with the month slider', () => {
  for (const [size, staff] of [['desktop', false], ['phone', false], ['desktop', true], ['phone', true]]) {
    test(`${size}, ${staff ? 'staff: weekly' : 'public: monthly published'} counts; the slider moves by keyboard`, async () => {
      const { context, page, errors } = await open(size, { staff });
      await page.waitForSelector('#trend[data-rows]', { timeout: 60000 });
      const unit = await page.getAttribute('#trend', 'data-unit');
      assert.equal(unit, staff ? 'week' : 'month', 'weekly for staff only; the public sees the published monthly table');
      assert.equal(Number(await page.getAttribute('#trend', 'data-rows')), staff ? 26 : 12);
      const slider = page.locator('#trend-month');
      const labels = await page.evaluate(() => [...document.querySelector('#trend-month').labels].map(l => l.textContent.trim()));
      assert.ok(labels.some(l => l.startsWith('截至月份')), `the slider is labelled (${labels})`);
      const before = await slider.getAttribute('aria-valuetext');
      assert.match(before, /^\d{4}-\d{2} — \d{4}-\d{2}$/);
      await slider.focus();
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await page.waitForFunction(b => document.querySelector('#trend-month').getAttribute('aria-valuetext') !== b, before);
      const after = await slider.getAttribute('aria-valuetext');
      assert.ok(after < before, `two months back: ${before} → ${after}`);
      await page.waitForFunction(() => !document.querySelector('#trend-status').textContent, null, { timeout: 60000 });
      const label = await page.getAttribute('#trend-chart', 'aria-label');
      assert.match(label, /全街道/, 'the chart says what it shows');
      // A community: its own trend.
      await page.selectOption('#trend-area', { index: 1 });
      await page.waitForFunction(() => /社区|里|园|街|路|区|地|泥|善|条/.test(document.querySelector('#trend-chart').getAttribute('aria-label')) &&
        !document.querySelector('#trend-chart').getAttribute('aria-label').startsWith('全街道'), null, { timeout: 60000 });
      await page.locator('#trend').scrollIntoViewIfNeeded();
      await screenshot(page, `trend-${size}-${staff ? 'staff' : 'public'}.png`);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
});

// The admins' import panel in a real browser: an admin logs in, drops a
// work-order workbook on the panel, sees the first rows with the column
// mapping, runs a dry run that lists every rejected row, downloads the
// rejected rows, then imports the good rows with the progress bar. Staff
// never see the panel. (This file writes to the demo store, so it is named
// to run after map.test.mjs.)

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openPage, ready, screenshot, BASE, STAFF_TOKEN } from './helpers.mjs';

const ADMIN_TOKEN = process.env.MINQING_ADMIN_TOKEN;
const here = dirname(fileURLToPath(import.meta.url));
const badXLSX = join(here, '..', '..', 'importers', 'testdata', 'workorders_bad.xlsx');

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

async function logIn(page, token) {
  await page.goto(BASE + '/');
  await ready(page);
  await page.locator('#login-btn').click();
  await page.locator('#token').fill(token);
  await Promise.all([page.waitForEvent('load'), page.locator('#login-form button[type=submit]').click()]);
  await ready(page);
}

describe('import panel', () => {
  test('staff have no import button', async t => {
    if (!STAFF_TOKEN) { t.skip('no staff token'); return; }
    const { page, errors, context } = await openPage(browser);
    await logIn(page, STAFF_TOKEN);
    assert.equal(await page.locator('#import-btn').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an admin previews, dry-runs, downloads the rejects and imports a workbook', async t => {
    if (!ADMIN_TOKEN) { t.skip('no admin token (scripts/test-browser creates one)'); return; }
    const { page, errors, requests, context } = await openPage(browser);
    await logIn(page, ADMIN_TOKEN);
    assert.equal(await page.evaluate(() => window.minqing.role), 'admin');
    await page.locator('#import-btn').click();
    await page.locator('#import-dialog').waitFor();
    await page.locator('#import-layer').selectOption('incidents');

    // Drag and drop the workbook onto the panel.
    const bytes = [...readFileSync(badXLSX)];
    const dt = await page.evaluateHandle(b => {
      const d = new DataTransfer();
      d.items.add(new File([new Uint8Array(b)], '12345工单.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
      return d;
    }, bytes);
    await page.locator('#import-drop').dispatchEvent('drop', { dataTransfer: dt });

    // The preview: the header row under the merged titles, mapped.
    const table = page.locator('#import-preview-table');
    await table.waitFor();
    const head = await table.locator('thead th').allInnerTexts();
    assert.ok(head.some(h => h.includes('工单编号') && h.includes('external_id')), '工单编号 → external_id: ' + head.join(' | '));
    assert.ok(head.some(h => h.includes('经度') && h.includes('lon')));
    assert.equal(await table.locator('tbody tr').count(), 7, 'the seven work orders');
    assert.equal(await table.locator('tbody tr.bad').count(), 2, 'rows 9 and 10 flagged');
    assert.match(await page.locator('#import-status').innerText(), /xlsx.*工单明细/);

    // The dry run lists every rejected row, with its sheet and row.
    await page.locator('#import-dry').click();
    const errs = page.locator('#import-errors li');
    await errs.first().waitFor();
    const lines = await errs.allInnerTexts();
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0], /工单明细 第 9 行/);
    assert.match(lines[1], /工单明细 第 10 行/);
    assert.match(await page.locator('#import-out').innerText(), /错误 2 行/);

    // The rejected rows as a file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#import-rejects').click()]);
    assert.match(download.suggestedFilename(), /12345工单\.rejects\.csv$/);
    const text = readFileSync(await download.path(), 'utf8');
    assert.match(text, /行号,错误原因/);
    assert.match(text, /GD202603070006/);
    assert.match(text, /GD202603070007/);

    // The import of the good rows, with the progress bar.
    await page.locator('#import-skip').check();
    await page.locator('#import-run').click();
    await page.locator('#import-out .ok').waitFor();
    assert.match(await page.locator('#import-out .ok').innerText(), /新增 5/);
    assert.equal(await page.locator('#import-progress').evaluate(p => p.value), 100);
    t.diagnostic('screenshot: ' + await screenshot(page, 'import.png'));

    const posts = requests.filter(r => r.url.includes('/import/incidents'));
    assert.ok(posts.length >= 4, 'preview, dry run, rejects and import went to /import/incidents');
    assert.ok(posts.every(r => r.headers.authorization === 'Bearer ' + ADMIN_TOKEN && !r.url.includes(ADMIN_TOKEN)), 'the token goes in a header');
    // The dry run of a file with bad rows is answered 422 (by design), which
    // Chromium logs as a failed resource; nothing else may go wrong.
    const unexpected = errors.filter(e => !/status of 422/.test(e));
    assert.equal(errors.length - unexpected.length, 1, 'exactly one 422: the dry run');
    assert.deepEqual(unexpected, []);
    await context.close();
  });
});

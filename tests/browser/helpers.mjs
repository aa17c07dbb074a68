// Shared pieces of the browser tests: Debian's Chromium through
// playwright-core (never a downloaded browser), pages that record their
// console errors and every request, and waiting for the map to be drawn.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BASE = process.env.MINQING_URL;
export const STAFF_TOKEN = process.env.MINQING_STAFF_TOKEN;
export const ARTIFACTS = process.env.MINQING_ARTIFACTS || 'test-artifacts';

if (!BASE) throw new Error('MINQING_URL is not set: run the browser tests with scripts/test-browser');

export const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  // With no GPU, WebGL (MapLibre) runs on SwiftShader; newer Chromium wants
  // that fallback allowed explicitly.
  '--enable-unsafe-swiftshader',
];

/** Launches Debian's Chromium. */
export function launch() {
  return chromium.launch({ executablePath: process.env.MINQING_CHROMIUM || '/usr/bin/chromium', args: FLAGS });
}

/** Every request any page made, for the same-origin check. */
export const allRequests = [];

/**
 * A new page in its own context (own sessionStorage), recording console
 * errors, page errors, failed requests and every request URL.
 */
export async function openPage(browser, { viewport = { width: 1400, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  page.on('pageerror', e => errors.push('page error: ' + (e.stack || e.message)));
  page.on('requestfailed', r => {
    const why = r.failure() ? r.failure().errorText : '';
    // Tiles of a view left behind are aborted by MapLibre: not an error.
    if (why !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()} ${why}`);
  });
  context.on('request', r => {
    const rec = { url: r.url(), headers: r.headers(), page: page.url() };
    requests.push(rec);
    allRequests.push(rec);
  });
  return { context, page, errors, requests };
}

/** Waits until window.minqing.ready has resolved and the map is idle. */
export async function ready(page) {
  await page.waitForFunction(() => (window.minqing && window.minqing.ready) || !document.querySelector('#fatal').hidden,
    null, { timeout: 60000 });
  const fatal = await page.evaluate(() => document.querySelector('#fatal').hidden ? null : document.querySelector('#fatal').textContent);
  if (fatal) throw new Error('the page could not start: ' + fatal);
  await page.evaluate(() => window.minqing.ready);
  await idle(page);
}

/** Waits for the map to finish loading and drawing what it asked for. */
export async function idle(page) {
  await page.evaluate(() => new Promise(resolve => {
    const map = window.minqing.map;
    if (map.loaded() && map.areTilesLoaded() && !map._sourcesDirty) {
      // One more frame, so a change just made has been drawn.
      map.once('idle', resolve);
      map.triggerRepaint();
    } else {
      map.once('idle', resolve);
    }
  }));
}

/** Saves a screenshot under the artifacts directory and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path });
  return path;
}

/**
 * Finds a page pixel where the topmost clickable feature is the named
 * feature of layer, searching outwards from its label point.
 */
export async function pixelOf(page, layer, name) {
  return page.evaluate(({ layer, name }) => {
    const { map, mapview } = window.minqing;
    const ids = mapview.clickable();
    const lf = (window.minqing.labels.features || []).find(f => f.properties.name === name);
    const start = lf ? map.project(lf.geometry.coordinates) : { x: map.getCanvas().clientWidth / 2, y: map.getCanvas().clientHeight / 2 };
    for (let r = 0; r < 120; r += 4) {
      for (let a = 0; a < 360; a += r ? 20 : 360) {
        const x = start.x + r * Math.cos(a * Math.PI / 180);
        const y = start.y + r * Math.sin(a * Math.PI / 180);
        // The pixel and its neighbours 6 px away must all hit the feature,
        // so a click is not decided by the edge of a circle on top.
        const ok = [[0, 0], [6, 0], [-6, 0], [0, 6], [0, -6]].every(([dx, dy]) => {
          const top = map.queryRenderedFeatures([x + dx, y + dy], { layers: ids })[0];
          return top && top.layer.id.startsWith(layer + ':') && (!name || top.properties.name === name);
        });
        if (ok) {
          const box = map.getContainer().getBoundingClientRect();
          return { x: box.left + x, y: box.top + y };
        }
      }
    }
    return null;
  }, { layer, name });
}

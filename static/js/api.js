// Talking to the minqing server: the staff token (kept in sessionStorage and
// sent as an Authorization header, never in a URL), JSON fetches and
// downloads. Every request goes to the page's own origin.

const TOKEN_KEY = 'minqing.token';

let token = null;

/** Reads the token of this browser tab (sessionStorage), if any. */
export function loadToken() {
  try { token = sessionStorage.getItem(TOKEN_KEY) || null; } catch { token = null; }
  return token;
}

/** Uses token for this page only (the embed page's ?token=), without storing it. */
export function useToken(t) { token = t || null; }

/** Stores the token for this tab; null removes it (log out). */
export function saveToken(t) {
  token = t || null;
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: the token lives until the page closes */ }
}

/** Whether a token is in use. */
export function hasToken() { return !!token; }

function headers(t = token) {
  return t ? { Authorization: 'Bearer ' + t } : {};
}

/** An absolute URL on this server. */
export function url(path, params) {
  const u = new URL(path, location.origin);
  if (params) {
    for (const [k, v] of Object.entries(params)) {
      const val = Array.isArray(v) ? v.join(',') : v;
      if (val !== undefined && val !== null && val !== '') u.searchParams.set(k, val);
    }
  }
  return u.toString();
}

/** An error the server answered, with its JSON message. */
export class APIError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * Tells the page whether the server answered: a "minqing:net" event on
 * window with detail {ok, status} (status 0: no answer at all), so a
 * banner can say the server is unreachable and go once it answers again.
 */
export function reportNet(ok, status = 0) {
  window.dispatchEvent(new CustomEvent('minqing:net', { detail: { ok, status } }));
}

/** fetch, turning "Failed to fetch" into an error a person understands. */
async function send(u, init) {
  try {
    const res = await fetch(u, init);
    reportNet(res.status < 500, res.status);
    return res;
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    reportNet(false, 0);
    const err = new APIError(0, { message: (document.documentElement.lang || '').startsWith('en')
      ? 'The server cannot be reached; check the connection and try again.'
      : '无法连接服务器，请检查网络后重试。' });
    err.cause = e;
    throw err;
  }
}

/** GETs JSON from the server with the token; throws APIError on 4xx/5xx. */
export async function getJSON(path, params, { signal, token: t } = {}) {
  const res = await send(url(path, params), { headers: headers(t === undefined ? token : t), signal });
  if (!res.ok) {
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    throw new APIError(res.status, body);
  }
  return res.json();
}

/**
 * MapLibre's transformRequest: adds the token to requests for this origin
 * (tiles, TileJSON) and leaves others (a configured basemap) untouched.
 */
export function transformRequest(reqURL) {
  if (token && reqURL.startsWith(location.origin + '/')) {
    return { url: reqURL, headers: headers() };
  }
  return { url: reqURL };
}

/**
 * The file name of a Content-Disposition header: the RFC 5987 filename*
 * (UTF-8, e.g. 诉求-20261201.csv) when there is one, wherever it stands,
 * else the plain filename (the ASCII fallback), else ''.
 */
export function dispositionName(cd) {
  const star = /(?:^|;)\s*filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(cd);
  if (star) {
    try {
      return decodeURIComponent(star[2].trim());
    } catch { /* a malformed escape: fall back to the plain name */ }
  }
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(cd);
  return plain ? (plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2].trim()) : '';
}

/**
 * Downloads path as a file: fetched with the token, then saved under the
 * server's Content-Disposition filename (or fallback).
 */
export async function download(path, params, fallback) {
  const res = await send(url(path, params), { headers: headers() });
  if (!res.ok) {
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    throw new APIError(res.status, body);
  }
  const blob = await res.blob();
  const name = dispositionName(res.headers.get('Content-Disposition') || '') || fallback;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/** POSTs a JSON body with the token; returns the JSON answer, throws APIError on 4xx/5xx. */
export async function postJSON(path, body) {
  const res = await fetch(url(path), {
    method: 'POST',
    headers: { ...headers(), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) throw new APIError(res.status, data);
  return data;
}

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

/** GETs JSON from the server with the token; throws APIError on 4xx/5xx. */
export async function getJSON(path, params, { signal, token: t } = {}) {
  const res = await fetch(url(path, params), { headers: headers(t === undefined ? token : t), signal });
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
 * Downloads path as a file: fetched with the token, then saved under the
 * server's Content-Disposition filename (or fallback).
 */
export async function download(path, params, fallback) {
  const res = await fetch(url(path, params), { headers: headers() });
  if (!res.ok) {
    let body = null;
    try { body = await res.json(); } catch { /* not JSON */ }
    throw new APIError(res.status, body);
  }
  const blob = await res.blob();
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(cd);
  const name = m ? decodeURIComponent(m[1] || m[2]) : fallback;
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

// Live updates: /live streams the layers' write counters (Server-Sent
// Events); when one of the watched layers changes, onChange runs (at most
// once a second), so a new or changed incident shows on every open page.

/** Calls onChange(versions) when any of names changes; returns a stop function. */
export function liveUpdates(names, onChange) {
  if (!window.EventSource) return () => {};
  const es = new EventSource('/live');
  let last = null;
  let timer = null;
  es.addEventListener('versions', e => {
    const v = JSON.parse(e.data);
    const changed = last && names.some(n => v[n] !== last[n]);
    last = v;
    if (changed && !timer) timer = setTimeout(() => { timer = null; onChange(v); }, 300);
  });
  return () => es.close();
}

// Time windows as the server's datetime parameter. Dates are days in
// Asia/Shanghai (the server reads a bare date as that whole day there), so a
// window's URL is the same all day long and its tiles stay cached.

const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today in Beijing as YYYY-MM-DD. */
export function today(now = new Date()) { return dayFmt.format(now); }

/** Adds n days to a YYYY-MM-DD date. */
export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The last day of month "YYYY-MM". */
function monthEnd(month) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** The n months up to and including the current one, oldest first ("YYYY-MM"). */
export function recentMonths(n, now = new Date()) {
  const [y, m] = today(now).split('-').map(Number);
  const out = [];
  for (let i = n - 1; i >= 0; i--) {
    out.push(new Date(Date.UTC(y, m - 1 - i, 1)).toISOString().slice(0, 7));
  }
  return out;
}

/** The n months before the current one, oldest first: the closed months, the only ones published to the public. */
export function closedMonths(n, now = new Date()) {
  return recentMonths(n + 1, now).slice(0, n);
}

const windowDays = { today: 1, '7d': 7, '30d': 30, '90d': 90, '365d': 365 };

/** Whether w is a window this page understands. */
export function validWindow(w) {
  return w in windowDays || w === 'custom' || /^m:\d{4}-\d{2}$/.test(w) || w === 'all' || w === '12m';
}

/**
 * The window a public caller gets when the server publishes incidents as
 * monthly aggregates: whole closed months only ("12m", "all" or a closed
 * "m:YYYY-MM"); any other window becomes the last 12 closed months.
 */
export function publicWindow(w, now = new Date()) {
  if (w === 'all' || w === '12m') return w;
  if (w && w.startsWith('m:') && closedMonths(600, now).includes(w.slice(2))) return w;
  return '12m';
}

/**
 * The datetime interval of a window: "today", "7d", "30d", "90d", "365d",
 * "12m" (the last 12 closed months), "m:YYYY-MM" (one month), "custom"
 * (from..to, either open) or "all" ("").
 */
export function datetime(w, from, to, now = new Date()) {
  if (w in windowDays) {
    const end = today(now);
    return `${addDays(end, 1 - windowDays[w])}/${end}`;
  }
  if (w === '12m') {
    const ms = closedMonths(12, now);
    return `${ms[0]}-01/${monthEnd(ms[ms.length - 1])}`;
  }
  if (w && w.startsWith('m:')) {
    const month = w.slice(2);
    return `${month}-01/${monthEnd(month)}`;
  }
  if (w === 'custom' && (from || to)) {
    if (from && to && from > to) [from, to] = [to, from];
    return `${from || '..'}/${to || '..'}`;
  }
  return '';
}

// Interface strings in Chinese (the default) and English. Layer and field
// titles come from /layers (title_zh, title_en); everything else is here.

const strings = {
  title: ['丰台街道民情图', 'Fengtai Subdistrict community map'],
  layers: ['图层', 'Layers'],
  legend: ['图例', 'Legend'],
  opacity: ['透明度', 'Opacity'],
  time: ['时间', 'Time'],
  today: ['今天', 'Today'],
  d7: ['近7天', '7 days'],
  d30: ['近30天', '30 days'],
  d90: ['近90天', '90 days'],
  d365: ['近一年', '1 year'],
  m12: ['近12个月', 'Last 12 months'],
  publicNote: ['公众看到的是按月、按网格（约0.1平方公里的六边形）汇总的诉求数；少于{n}条的格子不显示数字，当月数据在月底后公布。',
    'Public figures are monthly counts per grid cell (hexagons of about 0.1 km²); cells with fewer than {n} are not shown, and a month is published once it is over.'],
  publicPoints: ['本站向公众公开每条诉求的位置（--public-incidents points）。', 'This server shows the public every incident\'s location (--public-incidents points).'],
  publicFilters: ['公开数据按分类或按来源统计，二者选其一。', 'Public figures are by category or by source, one at a time.'],
  hiddenCell: ['此格有诉求，但每月都少于{n}条，为保护隐私不显示数字', 'This cell has incidents, but fewer than {n} in each month: the number is hidden to protect privacy'],
  partialCount: ['（不含少于{n}条而未公布的月份）', '(leaving out months with fewer than {n}, not published)'],
  custom: ['自定义', 'Custom'],
  month: ['按月', 'By month'],
  from: ['从', 'From'],
  to: ['到', 'To'],
  play: ['播放', 'Play'],
  pause: ['暂停', 'Pause'],
  category: ['问题分类', 'Category'],
  status: ['状态', 'Status'],
  source: ['来源', 'Source'],
  all: ['全部', 'All'],
  filters: ['诉求筛选', 'Incident filters'],
  export: ['导出', 'Export'],
  exportLayer: ['导出当前筛选的图层', 'Download the filtered layer'],
  exportView: ['仅当前视野', 'Only the current view'],
  login: ['工作人员登录', 'Staff login'],
  logout: ['退出登录', 'Log out'],
  tokenPlaceholder: ['访问令牌 mq_…', 'Access token mq_…'],
  tokenBad: ['令牌无效或已撤销', 'The token is unknown or revoked'],
  signIn: ['登录', 'Sign in'],
  cancel: ['取消', 'Cancel'],
  rolePublic: ['公众', 'Public'],
  roleStaff: ['工作人员', 'Staff'],
  roleAdmin: ['管理员', 'Admin'],
  staffOnly: ['仅工作人员', 'Staff only'],
  close: ['关闭', 'Close'],
  incidentsInWindow: ['所选时段诉求', 'Incidents in the window'],
  byCategory: ['按分类', 'By category'],
  noIncidents: ['所选时段没有诉求', 'No incidents in this window'],
  total: ['合计', 'Total'],
  chiefs: ['三级街巷长', 'The three chiefs'],
  patrol: ['巡查与问题', 'Patrols and problems'],
  loading: ['加载中…', 'Loading…'],
  failed: ['加载失败', 'Could not load'],
  zoomIn: ['放大查看明细', 'Zoom in for details'],
  aggregated: ['条诉求（聚合）', 'incidents (aggregated)'],
  publicLegend: ['每格诉求数（按月汇总）：圆越大，诉求越多', 'Incidents per grid cell (monthly figures): the bigger, the more'],
  hiddenLegend: ['有诉求但每月少于{n}条，不显示数字', 'Has incidents, but fewer than {n} a month: number hidden'],
  aggLegend: ['聚合诉求：圆越大，诉求越多', 'Aggregated: the bigger, the more incidents'],
  overdueLegend: ['红圈：已逾期（超过响应或办结时限）', 'Red ring: overdue (past the response or resolution deadline)'],
  count: ['数量', 'Count'],
  hotspots: ['热点分析', 'Hotspots'],
  hotWindow: ['分析时段', 'Window'],
  hotRes: ['网格大小', 'Cell size'],
  auto: ['自动', 'Auto'],
  inView: ['视野内的诉求', 'Incidents in view'],
  firstN: ['显示最新的{n}条', 'Showing the newest {n}'],
  exportWhich: ['图层', 'Layer'],
  exportFormat: ['格式', 'Format'],
  search: ['搜索', 'Search'],
  searchPlaceholder: ['社区、街巷、服务站…', 'Community, street, service point…'],
  searchPlaceholderStaff: ['社区、街巷、服务站、工单编号、地址…', 'Community, street, service point, case number, address…'],
  searchNone: ['没有找到“{q}”', 'Nothing found for “{q}”'],
  share: ['分享与打印', 'Share and print'],
  copyLink: ['复制链接', 'Copy link'],
  copied: ['链接已复制', 'Link copied'],
  print: ['打印', 'Print'],
  qr: ['二维码', 'QR code'],
  trendTitleWeek: ['每周诉求趋势', 'Incidents per week'],
  trendTitleMonth: ['每月诉求趋势（公开数据）', 'Incidents per month (published figures)'],
  trendArea: ['范围', 'Area'],
  trendStreet: ['全街道', 'Whole subdistrict'],
  trendMonth: ['截至月份', 'Up to month'],
  trendWindow: ['时段：', 'Window:'],
  trendTable: ['数据表', 'Data table'],
  trendMonthCol: ['月份', 'Month'],
  trendWeekOf: ['周（自周一）', 'Week of (Monday)'],
  trendHidden: ['少于规定条数，不公布', 'too few: not published'],
  trendSummaryWeek: ['{where}：{from}至{to}共{n}周，合计{total}条诉求', '{where}: {n} weeks from {from} to {to}, {total} incidents in all'],
  trendSummaryMonth: ['{where}：{from}至{to}共{n}个月，合计{total}条诉求（公开数据）', '{where}: {n} months from {from} to {to}, {total} incidents in all (published figures)'],
  trendPublicNote: ['公众看到按月公布的数字（每格少于{n}条的不计入，标*的月份因此偏少）；按周的趋势仅对工作人员显示。', 'The public sees the published monthly figures (cells with fewer than {n} are left out; months marked * are low for that reason); the weekly trend is for staff.'],
  trendStaffNote: ['按周统计所选范围内的诉求（工作人员）。', 'Incidents per week in the chosen area (staff).'],
  qrTitle: ['扫码在手机上打开', 'Scan to open on a phone'],
  qrHelp: ['用手机相机或微信扫一扫，打开与此处相同的地图视图。', 'Scan with a phone camera or WeChat to open this same map view.'],
  qrAlt: ['当前地图视图链接的二维码', 'QR code of the link to this map view'],
  qrFailed: ['无法生成二维码（链接过长或服务器无法连接）。', 'The QR code could not be made (the link is too long or the server cannot be reached).'],
  printed: ['打印于', 'Printed'],
  scale: ['比例尺', 'Scale'],
  netError: ['无法连接服务器，地图上的数据可能不完整；恢复后会自动更新。', 'The server cannot be reached: the map may be incomplete. It updates once the server answers again.'],
  emptyWindow: ['所选时段、当前视野内：0 条诉求', 'In this window and view: 0 incidents'],
  hotResFixed: ['网格：H3 9级六边形（约0.1平方公里），任何设备、任何缩放都一样。', 'Cells: H3 resolution 9 hexagons (about 0.1 km²), the same on every device and zoom.'],
  hotNone: ['在这个网格大小下，所选时段没有显著的热点或冷点。', 'Nothing is significant at this cell size in this window.'],
  hotIntro: [
    '按六边形网格统计诉求，用 Getis-Ord Gi* 检验哪里的诉求比周边明显更多（热点）或更少（冷点）。',
    'Incidents are counted per hexagon; the Getis-Ord Gi* test marks where there are clearly more (hot) or fewer (cold) complaints than around them.',
  ],
  'hot-99': ['热点 99%：有99%把握这里诉求确实扎堆，不是偶然', 'Hot 99 %: 99 % confident this is a real cluster of complaints, not chance'],
  'hot-95': ['热点 95%：有95%把握这里诉求扎堆', 'Hot 95 %: 95 % confident this is a real cluster of complaints'],
  'hot-90': ['热点 90%：有90%把握，值得留意', 'Hot 90 %: 90 % confident; worth watching'],
  'not-significant': ['不显著：与周边差别可能只是偶然', 'Not significant: the difference may be chance'],
  'cold-90': ['冷点 90%：有90%把握这里诉求偏少', 'Cold 90 %: 90 % confident complaints are fewer here'],
  'cold-95': ['冷点 95%：有95%把握这里诉求偏少', 'Cold 95 %: 95 % confident complaints are fewer here'],
  'cold-99': ['冷点 99%：有99%把握这里诉求确实偏少', 'Cold 99 %: 99 % confident complaints really are fewer here'],
  suppressed: ['少于{n}条，为保护隐私不显示', 'fewer than {n}: hidden to protect privacy'],
  hotHover: ['诉求数', 'Incidents'],
  zscore: ['z 值', 'z-score'],
  basemapNote: ['底图若为 GCJ-02（高德、腾讯）坐标，会与本图偏移约500米', 'A GCJ-02 basemap (AMap, Tencent) is offset about 500 m from this map'],
  yes: ['是', 'yes'],
  no: ['否', 'no'],
  lang: ['EN', '中文'],
  view: ['查看', 'View'],
  firstRender: ['首次渲染', 'First render'],
  communityIncidents: ['本社区诉求', 'Incidents in this community'],
  households: ['户数', 'Households'],
  population: ['人口', 'Population'],
  minzoom: ['放大到 {z} 级以上显示', 'Shown from zoom {z}'],
  loggedInAs: ['已登录：', 'Signed in: '],
};

// How each vocabulary value is shown ({zh, en, color} by field, then
// value), as /layers serves it with each field (setValues): the server's
// table (layers/labels.go) is the only copy.
const valueNames = {};

let current = 'zh';

/** The current language: "zh" or "en". */
export function lang() { return current; }

/** Sets the language and updates the document's lang attribute. */
export function setLang(l) {
  current = l === 'en' ? 'en' : 'zh';
  document.documentElement.lang = current === 'en' ? 'en' : 'zh-CN';
}

/** Translates a key; {name} placeholders are filled from vars. */
export function t(key, vars) {
  const pair = strings[key];
  let s = pair ? pair[current === 'en' ? 1 : 0] : key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, v);
  return s;
}

/** The title of a layer or field from /layers in the current language. */
export function title(obj) {
  if (!obj) return '';
  return (current === 'en' ? obj.title_en : obj.title_zh) || obj.title_zh || obj.name;
}

/**
 * Keeps the value names and colours /layers serves with each vocabulary
 * field (fields[].values: [{value, zh, en, color}]).
 */
export function setValues(catalog) {
  for (const l of catalog || []) {
    for (const f of l.fields || []) {
      if (!f.values) continue;
      const m = valueNames[f.name] || (valueNames[f.name] = {});
      for (const v of f.values) m[v.value] = v;
    }
  }
}

/** How a value of a vocabulary field is shown: {zh, en, color}, or undefined. */
export function valueInfo(field, v) {
  return valueNames[field] && valueNames[field][v];
}

/** The display name of a vocabulary value in the current language (the value itself if unknown). */
export function valueName(field, v) {
  const e = valueInfo(field, v);
  return e ? (current === 'en' ? e.en : e.zh) || String(v) : String(v);
}

/** The display name of an incident status. */
export function statusName(s) { return valueName('status', s); }

/** Fills every [data-i18n] element's text (and [data-i18n-title] title). */
export function apply(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}

/** Formats a value of a field for display. */
export function formatValue(field, v) {
  if (v === null || v === undefined || v === '') return '—';
  switch (field && field.type) {
    case 'bool': return v ? t('yes') : t('no');
    case 'time': {
      const d = new Date(v);
      if (isNaN(d)) return String(v);
      return d.toLocaleString(current === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' });
    }
    case 'float': return Number(v).toLocaleString(current === 'en' ? 'en' : 'zh-CN', { maximumFractionDigits: 1 });
    // An H3 cell arrives as H3 writes it ("8f31aa4141436c4"): as a number
    // it would exceed 2^53 and lose digits, so it is never formatted as one.
    case 'cell': return String(v);
    case 'int':
      if (/year/.test(field.name)) return String(v);
      return Number(v).toLocaleString(current === 'en' ? 'en' : 'zh-CN');
  }
  if (field && field.values) return valueName(field.name, v);
  return String(v);
}

import { api, el, fmtNum, fmtTime, localToIso, startPage } from './common.js';

await startPage('scorecard.html');
const form = document.getElementById('query');
const errorBox = document.getElementById('score-error');

const GROUPS = [
  ['transparency', 'Công khai, minh bạch'],
  ['timeliness', 'Tiến độ giải quyết'],
  ['online-services', 'DVC trực tuyến'],
  ['online-payment', 'Thanh toán trực tuyến'],
  ['satisfaction', 'Mức độ hài lòng'],
  ['digitization', 'Số hóa hồ sơ'],
];
const CRITERIA = {
  1.1: 'Công bố TTHC đúng hạn',
  1.2: 'Công khai TTHC đúng hạn',
  1.3: 'TTHC công khai đủ 7 thành phần',
  1.4: 'Hồ sơ đồng bộ lên Cổng DVC quốc gia',
  2.1: 'Hồ sơ giải quyết đúng hạn',
  3.1: 'TTHC cung cấp DVC trực tuyến',
  3.2: 'TTHC trực tuyến có phát sinh hồ sơ',
  3.3: 'Hồ sơ nộp trực tuyến',
  4.1: 'TTHC có phí phát sinh hồ sơ',
  4.2: 'TTHC có thanh toán trực tuyến',
  4.3: 'Hồ sơ thanh toán trực tuyến',
  5.1: 'Phản ánh, kiến nghị xử lý đúng hạn',
  5.2: 'Phản ánh, kiến nghị được hài lòng',
  5.3: 'Hồ sơ đúng hạn, không bị đánh giá không hài lòng',
  6.1: 'Hồ sơ cấp kết quả điện tử',
  6.2: 'Hồ sơ số hóa đầu vào',
  6.3: 'Hồ sơ tái sử dụng dữ liệu số hóa',
  6.4: 'Hồ sơ lấy giấy tờ từ kho dữ liệu cá nhân',
  6.5: 'Bản sao điện tử, kết nối CSDL dân cư',
  '6.5a': 'Xã cung cấp chứng thực bản sao điện tử từ bản chính',
  '6.5b': 'Hồ sơ xác thực qua VNeID / CSDL dân cư',
  '6.5c': 'TTHC cho công dân có hồ sơ xác thực qua VNeID / CSDL dân cư',
};
const bandClass = (band) =>
  `band band-${String(band ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').replace(/\s+/g, '')}`;

// Default: the last complete quarter in Vietnam time.
function defaultPeriod() {
  const now = new Date(Date.now() + 7 * 3_600_000);
  let q = Math.floor(now.getUTCMonth() / 3);
  let y = now.getUTCFullYear();
  if (q === 0) {
    q = 4;
    y -= 1;
  }
  return `${y}-Q${q}`;
}

/** The quarter holding a period's end and the three before it. */
function lastQuarters(period, count = 4) {
  const m = /^(\d{4})(?:-Q([1-4])|-(\d{2}))?$/.exec(period);
  if (!m) return [];
  let y = Number(m[1]);
  let q = m[2] ? Number(m[2]) : m[3] ? Math.ceil(Number(m[3]) / 3) : 4;
  const out = [];
  for (let i = 0; i < count; i++) {
    out.unshift(`${y}-Q${q}`);
    q -= 1;
    if (q === 0) {
      q = 4;
      y -= 1;
    }
  }
  return out;
}

const params = new URLSearchParams(location.search);
form.elements.period.value = params.get('period') ?? defaultPeriod();
form.elements.level.value = params.get('level') ?? 'department';
form.elements.method.value = params.get('method') ?? 'qd766-v2';
if (params.get('asOf')) form.elements.asOf.value = params.get('asOf').slice(0, 16);

const query = () => {
  const q = new URLSearchParams({ period: form.elements.period.value.trim(), level: form.elements.level.value });
  const asOf = localToIso(form.elements.asOf.value);
  if (asOf) q.set('asOf', asOf);
  if (form.elements.method.value !== 'qd766-v2') q.set('method', form.elements.method.value);
  return q;
};

function sparkline(values) {
  const w = 90, h = 24, pad = 2;
  const pts = values.map((v, i) => [pad + (i * (w - 2 * pad)) / Math.max(1, values.length - 1), v]);
  const known = pts.filter(([, v]) => v !== null && v !== undefined);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('width', w);
  svg.setAttribute('height', h);
  svg.setAttribute('class', 'spark');
  if (known.length) {
    const y = (v) => h - pad - (v / 100) * (h - 2 * pad);
    const line = document.createElementNS(svg.namespaceURI, 'polyline');
    line.setAttribute('points', known.map(([x, v]) => `${x.toFixed(1)},${y(v).toFixed(1)}`).join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', '#1f5fa8');
    line.setAttribute('stroke-width', '1.5');
    svg.append(line);
    const [lx, lv] = known[known.length - 1];
    const dot = document.createElementNS(svg.namespaceURI, 'circle');
    dot.setAttribute('cx', lx);
    dot.setAttribute('cy', y(lv));
    dot.setAttribute('r', 2.5);
    dot.setAttribute('fill', '#1f5fa8');
    svg.append(dot);
  }
  svg.append(Object.assign(document.createElementNS(svg.namespaceURI, 'title'), { textContent: values.map((v) => fmtNum(v)).join(' → ') }));
  return svg;
}

function groupBar(g) {
  const pct = g && g.score !== null ? Math.max(0, Math.min(100, (g.score / g.max) * 100)) : 0;
  return el(
    'div',
    { className: `bar${g?.score === null ? ' null' : ''}`, title: g ? `${fmtNum(g.score)} / ${g.max}` : '' },
    el('span', { style: `width:${pct.toFixed(1)}%` }),
    el('em', {}, g ? `${g.score === null ? '—' : fmtNum(g.score, 1)}/${g.max}` : '—'),
  );
}

let card;
let trend = { quarters: [], byUnit: new Map() };
let chart;
let selected;

function row(u, isProvince) {
  const groups = new Map(u.groups.map((g) => [g.id, g]));
  const tr = el(
    'tr',
    { className: 'clickable', dataset: { unitId: u.unitId } },
    el('td', { className: 'num', dataset: { cell: 'rank' } }, isProvince ? '' : String(u.rank)),
    el('td', { className: 'unit-name', dataset: { cell: 'name' } }, isProvince ? (u.name === 'province' ? 'Toàn tỉnh' : u.name) : u.name),
    el('td', { className: 'num', dataset: { cell: 'total' } }, el('strong', {}, fmtNum(u.total, 2, 2))),
    el('td', { dataset: { cell: 'band' } }, u.band ? el('span', { className: bandClass(u.band) }, u.band) : '—'),
    ...GROUPS.map(([id]) => el('td', { dataset: { cell: `group-${id}` } }, groupBar(groups.get(id)))),
    el('td', { dataset: { cell: 'trend' } }, sparkline(trend.quarters.map((q) => trend.byUnit.get(u.unitId)?.get(q) ?? null))),
  );
  tr.addEventListener('click', () => select(u, tr));
  return tr;
}

function render() {
  const head = document.getElementById('ranking-head');
  head.replaceChildren(
    el('th', { className: 'num' }, 'Hạng'),
    el('th', {}, 'Đơn vị'),
    el('th', { className: 'num' }, 'Tổng'),
    el('th', {}, 'Xếp loại'),
    ...GROUPS.map(([, label]) => el('th', {}, label)),
    el('th', {}, `Xu hướng ${trend.quarters[0] ?? ''}–${trend.quarters[trend.quarters.length - 1] ?? ''}`),
  );
  const table = document.getElementById('ranking');
  table.tBodies[0].replaceChildren(...card.units.map((u) => row(u, false)));
  table.tFoot.replaceChildren(row(card.province, true));
  document.getElementById('meta').textContent =
    `Kỳ ${card.period} · phương pháp ${card.method} · tính đến ${fmtTime(card.asOf)} · ${card.units.length} đơn vị. Bấm vào một dòng để xem từng tiêu chí (tử số / mẫu số) và xu hướng.`;
  document.body.dataset.loaded = `${card.period}|${form.elements.level.value}`;
}

function select(u, tr) {
  selected = u.unitId;
  for (const r of document.querySelectorAll('#ranking tr.selected')) r.classList.remove('selected');
  tr.classList.add('selected');
  const panel = document.getElementById('detail');
  panel.classList.remove('hidden');
  document.getElementById('detail-title').textContent = `${u.name}: ${fmtNum(u.total, 2, 2)} điểm${u.band ? ` (${u.band})` : ''}`;
  const body = document.querySelector('#criteria tbody');
  body.replaceChildren(
    ...u.groups.flatMap((g) => [
      el('tr', {}, el('th', { colSpan: 4 }, GROUPS.find(([id]) => id === g.id)?.[1] ?? g.id), el('th', { className: 'num' }, `${g.score === null ? '—' : fmtNum(g.score)}/${g.max}`)),
      ...g.criteria.map((c) =>
        el(
          'tr',
          { dataset: { criterion: c.id } },
          el('td', {}, `${c.id} ${CRITERIA[c.id] ?? ''}`),
          el('td', { className: 'num', dataset: { cell: 'numerator' } }, c.numerator === null ? '—' : String(c.numerator)),
          el('td', { className: 'num', dataset: { cell: 'denominator' } }, c.denominator === null ? '—' : String(c.denominator)),
          el('td', { className: 'num' }, c.ratio === null ? '—' : `${fmtNum(c.ratio * 100, 1)} %`),
          el('td', { className: 'num' }, `${c.score === null ? '—' : fmtNum(c.score)}/${c.max}`),
        ),
      ),
    ]),
  );
  const values = trend.quarters.map((q) => trend.byUnit.get(u.unitId)?.get(q) ?? null);
  const province = trend.quarters.map((q) => trend.byUnit.get('province')?.get(q) ?? null);
  const data = {
    labels: trend.quarters,
    datasets: [
      { label: u.name, data: values, borderColor: '#a5161d', backgroundColor: '#a5161d', tension: 0.2, spanGaps: true },
      ...(u.unitId !== 'province'
        ? [{ label: 'Toàn tỉnh', data: province, borderColor: '#8c99a6', backgroundColor: '#8c99a6', borderDash: [4, 3], tension: 0.2, spanGaps: true }]
        : []),
    ],
  };
  if (!window.Chart) return;
  chart?.destroy();
  chart = new window.Chart(document.getElementById('trend'), {
    type: 'line',
    data,
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100, title: { display: true, text: 'Tổng điểm' } } },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
    },
  });
}

async function load() {
  errorBox.textContent = '';
  const q = query();
  history.replaceState(null, '', `?${q}`);
  try {
    const quarters = lastQuarters(q.get('period'));
    const [current, ...past] = await Promise.all([
      api(`/api/scorecards?${q}`),
      ...quarters.map((p) => api(`/api/scorecards?${new URLSearchParams({ period: p, level: q.get('level') })}`).catch(() => null)),
    ]);
    card = current;
    const byUnit = new Map();
    quarters.forEach((p, i) => {
      const c = past[i];
      if (!c) return;
      for (const u of [...c.units, c.province]) {
        if (!byUnit.has(u.unitId)) byUnit.set(u.unitId, new Map());
        byUnit.get(u.unitId).set(p, u.band === null ? null : u.total);
      }
    });
    trend = { quarters, byUnit };
    render();
    const again = selected && document.querySelector(`#ranking tr[data-unit-id="${CSS.escape(selected)}"]`);
    const unit = again && [...card.units, card.province].find((u) => u.unitId === selected);
    if (unit) select(unit, again);
  } catch (err) {
    errorBox.textContent = err.details?.[0]?.problems?.join('; ') ?? err.message;
  }
}

async function download(format) {
  const q = query();
  q.set('format', format);
  try {
    const res = await api(`/api/scorecards/export?${q}`, { raw: true, headers: { Accept: '*/*' } });
    const blob = await res.blob();
    const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `scorecard.${format}`;
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) {
    errorBox.textContent = `Không tải được tệp: ${err.message}`;
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  load();
});
form.elements.level.addEventListener('change', load);
document.getElementById('export-csv').addEventListener('click', () => download('csv'));
document.getElementById('export-xlsx').addEventListener('click', () => download('xlsx'));
await load();

import { ALERT_LABEL, api, authHeaders, el, fmtHours, fmtTime, startPage } from './common.js';

const who = await startPage('board.html');
const unitSelect = document.getElementById('unit');
const live = document.getElementById('live');
const errorBox = document.getElementById('board-error');
const seen = new Set();
let firstLoad = true;

if (who.role === 'supervisor') {
  for (const u of who.units) unitSelect.append(el('option', { value: u.unitId }, u.name ?? u.unitId));
  if (who.units.length > 1) unitSelect.prepend(el('option', { value: '' }, 'Tất cả đơn vị của tôi'));
} else {
  unitSelect.append(el('option', { value: '' }, 'Tất cả đơn vị'));
  const units = await api('/api/units');
  for (const u of units) unitSelect.append(el('option', { value: u.unitId }, u.name));
}
const initial = new URLSearchParams(location.search).get('unitId');
if (initial) unitSelect.value = initial;

const column = (kind) =>
  kind === 'overdue' ? 'col-overdue' : kind === 'apology-needed' ? 'col-apology' : 'col-due';
const group = (kind) => (kind.startsWith('due-soon') ? 'due-soon' : kind);

function timeLeft(ms) {
  if (ms < 0) return el('span', { className: 'left-neg' }, `quá ${fmtHours(ms)}`);
  return el('span', { className: ms < 8 * 3_600_000 ? 'left-low' : '' }, `còn ${fmtHours(ms)}`);
}

// A dossier past 75 % of its time still holds its 50 % alert, and one at the apology stage both: the board
// shows each dossier or item once, in the column of its most urgent alert, and counts dossiers.
const URGENCY = { 'due-soon-50': 0, 'due-soon-75': 1, 'apology-needed': 2, overdue: 3 };
function mostUrgent(alerts) {
  const held = new Map();
  for (const a of alerts) {
    const key = `${a.subject ?? 'dossier'}:${a.code}`;
    const other = held.get(key);
    const more = other && (URGENCY[a.kind] ?? 0) - (URGENCY[other.kind] ?? 0);
    if (!other || more > 0 || (more === 0 && a.workingMsLeft < other.workingMsLeft)) held.set(key, a);
  }
  return [...held.values()];
}

function render(board) {
  const byColumn = { 'col-overdue': [], 'col-apology': [], 'col-due': [] };
  const shown = mostUrgent(board.alerts);
  for (const a of shown) byColumn[column(a.kind)].push(a);
  for (const [id, alerts] of Object.entries(byColumn)) {
    alerts.sort((a, b) => a.workingMsLeft - b.workingMsLeft);
    const list = document.querySelector(`#${id} .list`);
    const rows = alerts.map((a) => {
      const fresh = !firstLoad && !seen.has(a.id);
      seen.add(a.id);
      return el(
        'tr',
        { className: fresh ? 'fresh' : '', dataset: { code: a.code, kind: a.kind, subject: a.subject ?? 'dossier' } },
        a.subject === 'feedback'
          ? el('td', {}, el('span', { className: 'badge feedback' }, 'PAKN'), ' ', el('a', { href: `feedback.html?id=${encodeURIComponent(a.code)}` }, a.code), el('div', { className: 'muted small' }, 'Phản ánh, kiến nghị'))
          : el('td', {}, el('a', { href: `dossier.html?code=${encodeURIComponent(a.code)}` }, a.code), el('div', { className: 'muted small' }, a.procedureName ?? a.procedureCode)),
        el('td', {}, el('span', { className: `badge ${group(a.kind)}` }, ALERT_LABEL[a.kind] ?? a.kind), el('div', { className: 'muted small' }, a.unitName ?? a.unitId)),
        el('td', { className: 'num' }, timeLeft(a.workingMsLeft), el('div', { className: 'muted small' }, `hạn ${fmtTime(a.dueAt)}`)),
      );
    });
    list.replaceChildren(
      rows.length
        ? el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Hồ sơ'), el('th', {}, 'Cảnh báo'), el('th', { className: 'num' }, 'Thời gian'))), el('tbody', {}, rows))
        : el('p', { className: 'muted' }, 'Không có hồ sơ.'),
    );
  }
  for (const kind of ['overdue', 'apology-needed', 'due-soon']) {
    document.querySelector(`[data-count="${kind}"]`).textContent = String(
      shown.filter((a) => group(a.kind) === kind).length,
    );
  }
  document.getElementById('updated').textContent = `Cập nhật ${fmtTime(board.now)}`;
  firstLoad = false;
}

// The board as last loaded, then kept up to date by the stream's changes (each carries the alert itself).
let current = { now: new Date().toISOString(), alerts: new Map() };
const show = () => render({ now: current.now, alerts: [...current.alerts.values()] });
// Changes heard while a load is on its way are applied again to what it brings (it may predate them).
let heardDuringLoad = [];
function applyChange(entry) {
  if (entry.change === 'opened') current.alerts.set(entry.alert.id, entry.alert);
  else current.alerts.delete(entry.alert.id);
  if (loading) heardDuringLoad.push(entry);
}

let loading = null;
let again = false;
async function load() {
  if (loading) {
    again = true;
    return loading;
  }
  loading = (async () => {
    do {
      again = false;
      try {
        const q = unitSelect.value ? `?unitId=${encodeURIComponent(unitSelect.value)}` : '';
        heardDuringLoad = [];
        const board = await api(`/api/dashboard/board${q}`);
        current = { now: board.now, alerts: new Map(board.alerts.map((a) => [a.id, a])) };
        for (const entry of heardDuringLoad.splice(0)) applyChange(entry);
        show();
        errorBox.textContent = '';
      } catch (err) {
        errorBox.textContent = `Không tải được bảng: ${err.message}`;
      }
    } while (again);
    loading = null;
  })();
  return loading;
}

// Server-Sent Events over fetch (EventSource cannot send the Authorization header of a token; it stays out of
// URLs and logs). Reconnects with Last-Event-ID, so nothing is missed across a dropped connection.
let controller;
let lastId;
function setLive(on) {
  live.textContent = on ? '● Trực tiếp (live)' : 'Mất kết nối, đang thử lại…';
  live.classList.toggle('on', on);
  document.body.dataset.live = on ? 'true' : 'false';
}

async function stream() {
  controller?.abort();
  const mine = (controller = new AbortController());
  lastId = undefined;
  while (!mine.signal.aborted) {
    try {
      const q = unitSelect.value ? `?unitId=${encodeURIComponent(unitSelect.value)}` : '';
      const res = await fetch(`/api/alerts/stream${q}`, {
        headers: {
          Accept: 'text/event-stream',
          ...authHeaders(),
          ...(lastId ? { 'Last-Event-ID': lastId } : {}),
        },
        signal: mine.signal,
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        let changed = false;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (/^: alerts after/m.test(block)) {
            setLive(true);
            // A first connection loads the board; a reconnection (Last-Event-ID) is sent what it missed.
            if (!lastId) load();
          }
          const id = /^id: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id) lastId = id;
          if (data) {
            applyChange(JSON.parse(data));
            changed = true;
          }
        }
        // Changes apply to the board in hand; a load still running brings them too (it reads after them).
        if (changed && !loading) show();
      }
    } catch (err) {
      if (mine.signal.aborted) return;
    }
    setLive(false);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

unitSelect.addEventListener('change', () => {
  seen.clear();
  firstLoad = true;
  history.replaceState(null, '', unitSelect.value ? `?unitId=${encodeURIComponent(unitSelect.value)}` : location.pathname);
  stream();
});
// The time left moves with the clock: refresh it every minute.
setInterval(load, 60_000);
stream();

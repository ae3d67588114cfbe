// Shared by every page: the token (kept in sessionStorage only), calls to the JSON API, the header, formats.
const KEY = 'tracker.token';

export const token = () => sessionStorage.getItem(KEY);
export const setToken = (value) => sessionStorage.setItem(KEY, value);
/** Forgets the token and ends the login session (server-side; its cookie is HttpOnly), then the login page. */
export async function logout() {
  sessionStorage.removeItem(KEY);
  await fetch('/api/session', { method: 'DELETE' }).catch(() => undefined);
  location.href = '/';
}

/** The Authorization header when this tab holds a token; a logged-in person's session cookie goes by itself. */
export const authHeaders = () => (token() ? { Authorization: `Bearer ${token()}` } : {});

export class ApiFailure extends Error {
  constructor(status, body) {
    const error = body && typeof body === 'object' ? body.error : undefined;
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? `HTTP_${status}`;
    this.details = error?.details;
    this.body = body;
  }
}

/** A JSON API call with the bearer token or the session cookie; a 401 sends the user back to the login page. */
export async function api(path, { method = 'GET', body, headers = {}, raw = false } = {}) {
  const res = await fetch(path, {
    method,
    headers: {
      Accept: 'application/json',
      ...authHeaders(),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 401 && location.pathname !== '/' && location.pathname !== '/index.html') {
    sessionStorage.removeItem(KEY);
    location.href = `/?next=${encodeURIComponent(location.pathname + location.search)}`;
    throw new ApiFailure(401, null);
  }
  if (raw && res.ok) return res;
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new ApiFailure(res.status, data);
  return data;
}

let meCache;
export const me = () => (meCache ??= api('/api/dashboard/me'));

const ROLE = { clerk: 'Cán bộ một cửa', supervisor: 'Lãnh đạo đơn vị', 'reform-office': 'Văn phòng CCHC', admin: 'Quản trị' };
const PAGES = [
  ['board.html', 'Bảng theo dõi', ['supervisor', 'reform-office', 'admin']],
  ['clerk.html', 'Tiếp nhận & xử lý', ['clerk', 'supervisor', 'admin']],
  ['dossier.html', 'Tra cứu hồ sơ', ['clerk', 'supervisor', 'reform-office', 'admin']],
  ['feedback.html', 'Phản ánh, kiến nghị', ['clerk', 'supervisor', 'reform-office', 'admin']],
  ['scorecard.html', 'Bộ chỉ số 766', ['supervisor', 'reform-office', 'admin']],
  ['sync.html', 'Đồng bộ Cổng DVCQG', ['reform-office', 'admin']],
  ['publications.html', 'Công bố TTHC', ['reform-office', 'admin']],
];

export function homeOf(role) {
  return role === 'clerk' ? 'clerk.html' : role === 'reform-office' ? 'scorecard.html' : 'board.html';
}

/** Draws the header and resolves with the caller; without a token or session `api` sends to the login page. */
export async function startPage(active) {
  let who;
  try {
    who = await me();
  } catch (error) {
    // Not logged in: `api` is taking the browser to the login page; this page draws nothing meanwhile.
    if (error instanceof ApiFailure && error.status === 401) return new Promise(() => {});
    throw error;
  }
  const header = document.createElement('header');
  header.className = 'top';
  header.innerHTML = `<span class="brand">Theo dõi hồ sơ TTHC</span><nav></nav><span class="who"></span><button type="button">Đăng xuất</button>`;
  const nav = header.querySelector('nav');
  for (const [href, label, roles] of PAGES) {
    if (!roles.includes(who.role)) continue;
    const a = el('a', { href, className: href === active ? 'active' : '' }, label);
    nav.append(a);
  }
  const units = who.units.map((u) => u.name ?? u.unitId).join(', ');
  header.querySelector('.who').textContent = `${who.displayName ?? who.subject} · ${ROLE[who.role] ?? who.role}${units ? ` · ${units}` : ''}`;
  header.querySelector('button').addEventListener('click', logout);
  document.body.prepend(header);
  if (who.role === 'admin') void showStoppedProjections(header);
  void showDemoProgress(header);
  return who;
}

/** While `npm start -- --demo` seeds the demo province, a banner under the header says how far it is. */
async function showDemoProgress(header) {
  let banner;
  for (;;) {
    const status = await api('/api/demo').catch(() => undefined);
    if (status?.state !== 'seeding' && status?.state !== 'catching-up') {
      banner?.remove();
      return;
    }
    if (!banner) {
      banner = el('div', { className: 'demo-progress', role: 'status' });
      header.after(banner);
    }
    // The last complete quarter (the scorecards' default) is written right after the last two weeks.
    const [year, q] = (status.quarter ?? '').split('-Q');
    const quarterDone = (status.stage === 'later' || status.stage === 'older') && q ? ` (quý ${q}/${year} đã nạp đủ)` : '';
    banner.textContent =
      `Đang nạp dữ liệu mẫu… ${status.percent} %` +
      (status.state === 'catching-up' ? ' (đang cập nhật số liệu tổng hợp)' : `${quarterDone} — số liệu trên trang chưa đầy đủ, tải lại trang sau ít phút`);
    banner.dataset.percent = String(status.percent);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** Admins see in the header a projection stopped at a poison event (health's `stopped`), until it is skipped. */
async function showStoppedProjections(header) {
  let health;
  try {
    health = await api('/api/health');
  } catch (error) {
    health = error instanceof ApiFailure ? error.body : undefined;
  }
  const stopped = (health?.projections ?? []).filter((p) => p.stopped);
  if (stopped.length === 0) return;
  const text = stopped.map((p) => `${p.name} tại vị trí ${p.stopped.position}`).join('; ');
  const detail = stopped
    .map((p) => `${p.name}: ${p.stopped.error}\nnpm run projections:skip -- ${p.name} ${p.stopped.position} --reason "…"`)
    .join('\n\n');
  const warning = el('span', { className: 'stopped', title: detail, role: 'alert' }, `⚠ Dữ liệu tổng hợp dừng cập nhật: ${text}`);
  header.querySelector('.who').before(warning);
}

/** A DOM element with properties and children (text is always set as text, never as HTML). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'style') node.setAttribute('style', v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

const DT = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
export const fmtTime = (iso) => (iso ? DT.format(new Date(iso)) : '—');

/** Working time in hours (one decimal), e.g. "12,5 giờ". */
export const fmtHours = (ms) => `${(Math.round((Math.abs(ms) / 3_600_000) * 10) / 10).toLocaleString('vi-VN')} giờ`;

/** A number the Vietnamese way ("17,6"), at most `digits` decimals and at least `minDigits` ("85,30"). */
export const fmtNum = (n, digits = 2, minDigits = 0) =>
  n === null || n === undefined ? '—' : Number(n).toLocaleString('vi-VN', { maximumFractionDigits: digits, minimumFractionDigits: minDigits });

/** `YYYY-MM-DDTHH:mm` of a datetime-local input (Vietnam time) as an ISO instant with +07:00. */
export const localToIso = (value) => (value ? `${value.length === 16 ? `${value}:00` : value}+07:00` : undefined);

/** Now as a datetime-local value in Vietnam time. */
export function nowLocal(offsetMs = 0) {
  const d = new Date(Date.now() + offsetMs + 7 * 3_600_000);
  return d.toISOString().slice(0, 16);
}

/** Clears a form's error slots ([data-error-for]) and its fields' invalid marks. */
export function clearErrors(form) {
  for (const e of form.querySelectorAll('[data-error-for]')) e.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
}

/** The API's errors beside the fields they name (400 details; a 409/422 may name one field too), after
 * clearErrors; `slotOf` names the slot of a detail's field (several fields may share one). */
export function showErrors(form, err, slotOf = (field) => field) {
  const general = form.querySelector('[data-error-for="_form"]');
  const details = Array.isArray(err.details) ? err.details : err.details?.field ? [{ field: err.details.field, problems: [err.message] }] : [];
  let placed = 0;
  for (const d of details) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(slotOf(d.field))}"]`);
    if (!slot) continue;
    slot.textContent = [slot.textContent, ...d.problems].filter(Boolean).join('; ');
    form.elements[d.field]?.setAttribute('aria-invalid', 'true');
    placed++;
  }
  if (!placed || err.status !== 400) general.textContent = err instanceof ApiFailure ? `${err.message} (${err.code})` : String(err.message);
  form.querySelector('[aria-invalid="true"]')?.focus();
}

export const idempotencyKey = () => crypto.randomUUID();

/** The units a caller records for: every unit for an admin, else its own. */
export const ownUnits = (who, units) => (who.role === 'admin' ? units : units.filter((u) => who.units.some((m) => m.unitId === u.unitId)));

/** A receipt form's procedure select: the procedures its unit select's unit handles, kept in step with it. */
export function bindProcedures(unitSelect, procedureSelect, procedures) {
  const fill = () =>
    procedureSelect.replaceChildren(
      ...procedures.filter((p) => p.units.includes(unitSelect.value)).map((p) => el('option', { value: p.code }, `${p.code} · ${p.name}`)),
    );
  unitSelect.addEventListener('change', fill);
  fill();
}

/** A step form shows the fields ([data-step-field]) of the type chosen, `steps[type][1]` naming them. */
export function bindStepFields(form, steps) {
  const show = () => {
    const fields = steps[form.elements.type.value][1];
    for (const label of form.querySelectorAll('[data-step-field]')) label.classList.toggle('hidden', !fields.includes(label.dataset.stepField));
  };
  form.elements.type.addEventListener('change', show);
  show();
}

let stepTypesCache;
/** The step types as the server's step modules declare them (labels, fields, whether the clerk form offers them). */
export const stepTypes = () => (stepTypesCache ??= api('/api/step-types'));

/** `{ EventType: 'Vietnamese label (english)' }` for every event of the dossier stream. */
export async function stepLabels() {
  const { events } = await stepTypes();
  return Object.fromEntries(Object.entries(events).map(([type, l]) => [type, `${l.vi} (${l.en})`]));
}

export const ALERT_LABEL = {
  'due-soon-50': 'Đã dùng 50 % thời hạn (50 % of the time used)',
  'due-soon-75': 'Đã dùng 75 % thời hạn (75 % of the time used)',
  'apology-needed': 'Cần phiếu xin lỗi (apology needed)',
  overdue: 'Quá hạn (overdue)',
};

export const STATUS_LABEL = {
  received: 'Đang xử lý',
  'in-progress': 'Đang xử lý',
  'awaiting-supplement': 'Chờ bổ sung',
  processed: 'Đã xử lý xong',
  returned: 'Đã trả kết quả',
  stopped: 'Dừng xử lý',
  withdrawn: 'Đã rút',
};

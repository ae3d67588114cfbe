import { STATUS_LABEL, api, el, fmtHours, fmtNum, fmtTime, startPage, stepLabels, stepTypes } from './common.js';

await startPage('dossier.html');
const STEP_LABEL = await stepLabels();
// The steps that finish a dossier, as their modules say.
const FINISH = new Set((await stepTypes()).steps.filter((s) => s.finishes).map((s) => s.event));
const params = new URLSearchParams(location.search);
const input = document.getElementById('code');
const errorBox = document.getElementById('dossier-error');

document.getElementById('find').addEventListener('submit', (e) => {
  e.preventDefault();
  const code = input.value.trim();
  if (code) location.href = `dossier.html?code=${encodeURIComponent(code)}`;
});

const CHANNEL = { 'in-person': 'Trực tiếp', postal: 'Bưu chính công ích', online: 'Trực tuyến' };
const SYSTEM = new Set(['DossierDueSoon', 'DossierBecameOverdue', 'OverdueRetracted']);
const SKIP = new Set(['occurredAt', 'now', 'actor', 'calendar', 'procedure', 'code']);

const fact = (dl, label, value) => dl.append(el('dt', {}, label), el('dd', {}, value));

function details(type, data) {
  const parts = [];
  for (const [k, v] of Object.entries(data ?? {})) {
    if (SKIP.has(k) || v === null || v === undefined || typeof v === 'object') continue;
    if (type === 'DossierReceived' && !['channel', 'onlineLevel', 'dueAt', 'feeAmount', 'unitId', 'procedureCode'].includes(k)) continue;
    const shown = /At$/.test(k) && typeof v === 'string' ? fmtTime(v) : typeof v === 'boolean' ? (v ? 'có' : 'không') : String(v);
    parts.push(`${k}: ${shown}`);
  }
  return parts.join(' · ');
}

async function show(code) {
  input.value = code;
  document.title = `Hồ sơ ${code} — Theo dõi hồ sơ TTHC`;
  let view, why;
  try {
    [view, why] = await Promise.all([
      api(`/api/dossiers/${encodeURIComponent(code)}`),
      api(`/api/dashboard/dossiers/${encodeURIComponent(code)}/explain`),
    ]);
  } catch (err) {
    errorBox.textContent = err.status === 404 ? `Không có hồ sơ ${code}.` : err.status === 403 ? 'Hồ sơ này không thuộc đơn vị của bạn.' : err.message;
    return;
  }
  document.getElementById('dossier').classList.remove('hidden');
  document.getElementById('title').textContent = `${view.code} · ${view.procedure?.name ?? view.procedureCode}`;
  const facts = document.getElementById('facts');
  facts.replaceChildren();
  const status = view.overdue && !view.finishedAt ? 'Quá hạn (overdue)' : (STATUS_LABEL[view.status] ?? view.status);
  fact(facts, 'Trạng thái', el('strong', { className: view.overdue ? 'left-neg' : '' }, status));
  fact(facts, 'Đơn vị tiếp nhận', view.unitId + (view.currentUnitId !== view.unitId ? ` → đang ở ${view.currentUnitId}` : ''));
  fact(facts, 'Thủ tục', `${view.procedureCode} · ${view.procedure?.name ?? ''}`);
  fact(facts, 'Kênh nộp', `${CHANNEL[view.channel] ?? view.channel}${view.onlineLevel ? ` (${view.onlineLevel === 'full' ? 'toàn trình' : 'một phần'})` : ''}`);
  fact(facts, 'Tiếp nhận lúc', fmtTime(view.receivedAt));
  fact(facts, 'Hạn trả ban đầu (due)', el('span', { dataset: { field: 'dueAt' } }, fmtTime(view.dueAt)));
  fact(facts, 'Hạn hẹn lại (re-scheduled)', el('span', { dataset: { field: 'rescheduledDueAt' } }, view.rescheduledDueAt ? fmtTime(view.rescheduledDueAt) : '—'));
  fact(facts, 'Kết thúc lúc', view.finishedAt ? `${fmtTime(view.finishedAt)} (${view.finishedBy ?? ''})` : 'chưa kết thúc');
  if (view.onTime !== null && view.onTime !== undefined) fact(facts, 'Đúng hạn?', view.onTime ? 'Đúng hạn' : 'Trễ hạn');
  fact(facts, 'Lệ phí', view.fee?.hasFee ? `${fmtNum(view.fee.feeAmount || view.fee.paymentRequestedAmount, 0)} đ${view.fee.paidOnline ? ' · đã thanh toán trực tuyến' : view.fee.paidOffline ? ' · đã thanh toán trực tiếp' : ''}` : 'không');

  const reasons = document.getElementById('reasons');
  reasons.replaceChildren(
    why.reasons.length
      ? el('ul', { id: 'reason-list' }, why.reasons.map((r) => el('li', { dataset: { kind: r.kind } }, r.text)))
      : el('p', { className: 'ok-box' }, why.finishedAt ? 'Hồ sơ được giải quyết trong hạn, không có yếu tố làm chậm.' : 'Hồ sơ đang trong hạn.'),
  );
  const times = document.getElementById('times');
  times.replaceChildren();
  fact(times, 'Thời hạn (giờ làm việc)', fmtHours(why.allowedWorkingMs));
  fact(times, 'Đã dùng (trừ thời gian bổ sung)', fmtHours(why.usedWorkingMs));
  if (why.workingMsLeft !== null) fact(times, 'Còn lại', why.workingMsLeft >= 0 ? fmtHours(why.workingMsLeft) : `quá ${fmtHours(why.workingMsLeft)}`);
  fact(times, 'Thời gian chờ bổ sung', `${why.supplement.requests} lần · ${fmtHours(why.supplement.totalMs)} (lịch)`);
  fact(times, 'Ngày nghỉ lễ đã qua', why.holidays.length ? why.holidays.join(', ') : 'không');
  if (why.apology) fact(times, 'Phiếu xin lỗi', `${fmtTime(why.apology.occurredAt)} · ký: ${why.apology.signedBy} · ${why.apology.reason}`);

  const timeline = document.getElementById('timeline');
  timeline.replaceChildren(
    ...[...view.history]
      .sort((a, b) => Date.parse(a.occurredAt ?? a.recordedAt) - Date.parse(b.occurredAt ?? b.recordedAt) || a.revision - b.revision)
      .map((h) => {
        const late = h.occurredAt && Math.abs(Date.parse(h.recordedAt) - Date.parse(h.occurredAt)) > 10 * 60_000;
        return el(
          'li',
          { className: SYSTEM.has(h.type) ? 'system' : FINISH.has(h.type) ? 'finish' : '', dataset: { type: h.type } },
          el('div', {}, el('span', { className: 'what' }, STEP_LABEL[h.type] ?? h.type), ' · ', fmtTime(h.occurredAt ?? h.recordedAt)),
          el('div', { className: 'muted small' }, `bởi ${h.actor ?? 'hệ thống'}${h.role ? ` (${h.role})` : ''}${late ? ` · ghi nhận lúc ${fmtTime(h.recordedAt)}` : ''}`),
          details(h.type, h.data) ? el('div', { className: 'small' }, details(h.type, h.data)) : null,
        );
      }),
  );
}

const code = params.get('code');
if (code) await show(code);
else input.focus();

import { api, bindProcedures, bindStepFields, clearErrors, el, fmtTime, idempotencyKey, localToIso, nowLocal, ownUnits, showErrors, startPage } from './common.js';

const who = await startPage('feedback.html');
const receive = document.getElementById('receive');
const stepForm = document.getElementById('step');
const canWrite = who.role === 'clerk' || who.role === 'admin';
if (!canWrite) {
  document.getElementById('receive-card').classList.add('hidden');
  document.getElementById('step-card').classList.add('hidden');
}

// The step types, their fields and labels, from the server's feedback step modules.
const TYPES = await api('/api/feedback/step-types');
const STEPS = Object.fromEntries(TYPES.steps.map((s) => [s.type, [s.labels.vi, Object.keys(s.fields)]]));
const EVENT_LABEL = Object.fromEntries(Object.entries(TYPES.events).map(([t, l]) => [t, l.vi]));
export const FEEDBACK_STATUS = {
  received: 'Đang xử lý',
  'awaiting-information': 'Chờ bổ sung thông tin',
  answered: 'Đã trả lời, chờ công khai',
  published: 'Đã công khai',
  rejected: 'Từ chối tiếp nhận',
  returned: 'Trả lại',
};
const DEADLINE = { answer: 'trả lời', publish: 'công khai' };

const [units, procedures] = await Promise.all([api('/api/units'), api('/api/procedures')]);
const unitName = new Map(units.map((u) => [u.unitId, u.name]));
const mine = ownUnits(who, units);
for (const u of mine) receive.elements.unitId.append(el('option', { value: u.unitId }, u.name));
for (const u of units) stepForm.elements.toUnitId.append(el('option', { value: u.unitId }, u.name));
for (const [type, [label]] of Object.entries(STEPS)) stepForm.elements.type.append(el('option', { value: type }, label));
const filterUnit = document.getElementById('f-unit');
filterUnit.append(el('option', { value: '' }, who.role === 'supervisor' || who.role === 'clerk' ? 'Đơn vị của tôi' : 'Tất cả đơn vị'));
for (const u of who.role === 'supervisor' || who.role === 'clerk' ? mine : units) filterUnit.append(el('option', { value: u.unitId }, u.name));

const showAbout = () => {
  for (const label of receive.querySelectorAll('[data-about]')) label.classList.toggle('hidden', label.dataset.about !== receive.elements.about.value);
};
bindProcedures(receive.elements.unitId, receive.elements.procedureCode, procedures);
receive.elements.about.addEventListener('change', showAbout);
showAbout();
receive.elements.receivedAt.value = nowLocal(-60_000);
stepForm.elements.occurredAt.value = nowLocal(-60_000);
bindStepFields(stepForm, STEPS);

receive.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors(receive);
  const f = receive.elements;
  const about = f.about.value;
  const body = {
    unitId: f.unitId.value || undefined,
    receivedAt: localToIso(f.receivedAt.value),
    channel: f.channel.value,
    about,
    ...(about === 'procedure' ? { procedureCode: f.procedureCode.value || undefined } : {}),
    ...(about === 'dossier' ? { dossierCode: f.dossierCode.value.trim() || undefined } : {}),
    summary: f.summary.value.trim() || undefined,
    id: f.id.value.trim() || undefined,
  };
  try {
    const r = await api('/api/feedback', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey() } });
    document.getElementById('receive-result').replaceChildren(
      el('div', { className: 'ok-box', id: 'received-ok' }, `Đã tiếp nhận PAKN ${r.id} · hạn trả lời ${fmtTime(r.deadlines.answerBy)} · hạn từ chối/chuyển ${fmtTime(r.deadlines.rejectOrForwardBy)}`),
    );
    stepForm.elements.feedbackId.value = r.id;
    await load();
  } catch (err) {
    showErrors(receive, err);
  }
});

stepForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors(stepForm);
  const f = stepForm.elements;
  const id = f.feedbackId.value.trim();
  if (!id) {
    stepForm.querySelector('[data-error-for="feedbackId"]').textContent = 'Nhập mã PAKN';
    return;
  }
  const type = f.type.value;
  const value = {
    toUnitId: f.toUnitId.value,
    reason: f.reason.value.trim() || undefined,
    summary: f.summary.value.trim() || undefined,
    satisfied: f.satisfied.value === 'true',
    of: f.of.value.trim() || undefined,
  };
  const body = { type, occurredAt: localToIso(f.occurredAt.value) };
  for (const field of STEPS[type][1]) if (value[field] !== undefined) body[field] = value[field];
  try {
    const r = await api(`/api/feedback/${encodeURIComponent(id)}/events`, { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey() } });
    document.getElementById('step-result').replaceChildren(
      el('div', { className: 'ok-box', id: 'step-ok' }, `Đã ghi nhận "${STEPS[type][0]}" cho PAKN ${id} · ${FEEDBACK_STATUS[r.status] ?? r.status}`),
    );
    await load();
    await showDetail(id);
  } catch (err) {
    showErrors(stepForm, err);
  }
});

async function load() {
  const q = new URLSearchParams({ limit: '100' });
  if (filterUnit.value) q.set('unitId', filterUnit.value);
  const status = document.getElementById('f-status').value;
  const due = document.getElementById('f-due').value;
  if (status) q.set('status', status);
  if (due) q.set('due', due);
  const box = document.getElementById('list');
  try {
    const page = await api(`/api/feedback?${q}`);
    document.getElementById('list-error').textContent = '';
    const rows = page.items.map((i) =>
      el(
        'tr',
        { className: 'clickable', dataset: { id: i.id } },
        el('td', {}, i.id, el('div', { className: 'muted small' }, i.summary)),
        el('td', {}, unitName.get(i.currentUnitId) ?? i.currentUnitId, i.currentUnitId !== i.unitId ? el('div', { className: 'muted small' }, `chuyển từ ${unitName.get(i.unitId) ?? i.unitId}`) : null),
        el('td', {}, fmtTime(i.receivedAt)),
        el('td', {}, FEEDBACK_STATUS[i.status] ?? i.status),
        el('td', {}, i.owed ? `${DEADLINE[i.owed.deadline]}: ${fmtTime(i.owed.dueAt)}` : '—', i.overdue || i.pastDue ? el('span', { className: 'badge overdue' }, ' Quá hạn') : i.alert ? el('span', { className: 'badge due-soon' }, ' Sắp đến hạn') : null),
      ),
    );
    box.replaceChildren(
      rows.length
        ? el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Mã PAKN'), el('th', {}, 'Đơn vị xử lý'), el('th', {}, 'Tiếp nhận'), el('th', {}, 'Trạng thái'), el('th', {}, 'Hạn'))), el('tbody', {}, rows))
        : el('p', { className: 'muted' }, 'Không có phản ánh, kiến nghị.'),
    );
    for (const tr of box.querySelectorAll('tr[data-id]')) tr.addEventListener('click', () => showDetail(tr.dataset.id));
  } catch (err) {
    document.getElementById('list-error').textContent = `Không tải được danh sách: ${err.message}`;
  }
}

async function showDetail(id) {
  const box = document.getElementById('detail');
  const view = await api(`/api/feedback/${encodeURIComponent(id)}`);
  const dl = el('dl', { className: 'facts' });
  const fact = (label, value) => dl.append(el('dt', {}, label), el('dd', {}, value));
  fact('Trạng thái', FEEDBACK_STATUS[view.status] ?? view.status);
  fact('Đơn vị xử lý', unitName.get(view.currentUnitId) ?? view.currentUnitId);
  fact('Hạn từ chối, trả lại, chuyển', fmtTime(view.deadlines.rejectOrForwardBy));
  fact('Hạn đề nghị bổ sung', fmtTime(view.deadlines.informationRequestBy));
  fact('Hạn trả lời', fmtTime(view.deadlines.answerBy));
  fact('Hạn công khai', fmtTime(view.publishBy));
  if (view.dossierCode) fact('Hồ sơ', el('a', { href: `dossier.html?code=${encodeURIComponent(view.dossierCode)}` }, view.dossierCode));
  if (view.repeat) fact('Trùng với', view.repeat.of);
  const history = el(
    'ol',
    { className: 'timeline' },
    view.history.map((h) => el('li', {}, el('span', { className: 'what' }, EVENT_LABEL[h.type] ?? h.type), ` · ${fmtTime(h.occurredAt)}`, el('div', { className: 'muted small' }, `ghi bởi ${h.actor ?? '—'} lúc ${fmtTime(h.recordedAt)}`))),
  );
  box.replaceChildren(el('h2', {}, `PAKN ${view.id}: ${view.summary}`), dl, el('h2', { style: 'margin-top:12px' }, 'Lịch sử xử lý'), history);
  box.classList.remove('hidden');
  if (canWrite) stepForm.elements.feedbackId.value = view.id;
}

for (const id of ['f-unit', 'f-status', 'f-due']) document.getElementById(id).addEventListener('change', load);
await load();
const initial = new URLSearchParams(location.search).get('id');
if (initial) await showDetail(initial);

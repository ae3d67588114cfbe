import { ApiFailure, api, el, fmtTime, localToIso, nowLocal, startPage, stepTypes } from './common.js';

const who = await startPage('clerk.html');
const receive = document.getElementById('receive');
const stepForm = document.getElementById('step');

// Which fields each step type carries (the API refuses the others), from the server's step modules.
const STEPS = Object.fromEntries(
  (await stepTypes()).steps.filter((s) => s.form).map((s) => [s.type, [s.labels.vi, Object.keys(s.fields)]]),
);

const [units, procedures] = await Promise.all([api('/api/units'), api('/api/procedures')]);
const mine = who.role === 'admin' ? units : units.filter((u) => who.units.some((m) => m.unitId === u.unitId));
const unitSelect = receive.elements.unitId;
for (const u of mine) unitSelect.append(el('option', { value: u.unitId }, u.name));
for (const u of units) stepForm.elements.toUnitId.append(el('option', { value: u.unitId }, u.name));
for (const [type, [label]] of Object.entries(STEPS)) stepForm.elements.type.append(el('option', { value: type }, `${label} (${type})`));

function fillProcedures() {
  const select = receive.elements.procedureCode;
  select.replaceChildren(
    ...procedures
      .filter((p) => p.units.includes(unitSelect.value))
      .map((p) => el('option', { value: p.code }, `${p.code} · ${p.name}`)),
  );
}
unitSelect.addEventListener('change', fillProcedures);
fillProcedures();

const showOnline = () =>
  receive.querySelector('[data-when-online]').classList.toggle('hidden', receive.elements.channel.value !== 'online');
receive.elements.channel.addEventListener('change', showOnline);
showOnline();
receive.elements.receivedAt.value = nowLocal(-60_000);
stepForm.elements.occurredAt.value = nowLocal(-60_000);

function showStepFields() {
  const fields = STEPS[stepForm.elements.type.value][1];
  for (const label of stepForm.querySelectorAll('[data-step-field]')) label.classList.toggle('hidden', !fields.includes(label.dataset.stepField));
}
stepForm.elements.type.addEventListener('change', showStepFields);
showStepFields();

function clearErrors(form) {
  for (const e of form.querySelectorAll('[data-error-for]')) e.textContent = '';
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
}

/** The API's errors beside the fields they name (400 details; a 409/422 may name one field too). */
function showErrors(form, err) {
  const general = form.querySelector('[data-error-for="_form"]');
  const details = Array.isArray(err.details) ? err.details : err.details?.field ? [{ field: err.details.field, problems: [err.message] }] : [];
  let placed = 0;
  for (const d of details) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(d.field)}"]`);
    if (!slot) continue;
    slot.textContent = d.problems.join('; ');
    form.elements[d.field]?.setAttribute('aria-invalid', 'true');
    placed++;
  }
  if (!placed || err.status !== 400) general.textContent = err instanceof ApiFailure ? `${err.message} (${err.code})` : String(err.message);
  form.querySelector('[aria-invalid="true"]')?.focus();
}

const number = (v) => (v === '' ? undefined : /^-?\d+$/.test(v.trim()) ? Number(v) : v);
const bool = (v) => (v === '' ? undefined : v === 'true');
const idempotencyKey = () => crypto.randomUUID();

receive.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors(receive);
  const f = receive.elements;
  const body = {
    unitId: f.unitId.value || undefined,
    procedureCode: f.procedureCode.value || undefined,
    channel: f.channel.value,
    ...(f.channel.value === 'online' ? { onlineLevel: f.onlineLevel.value } : {}),
    receivedAt: localToIso(f.receivedAt.value),
    feeAmount: number(f.feeAmount.value),
    code: f.code.value.trim() || undefined,
  };
  const button = receive.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const r = await api('/api/dossiers', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey() } });
    document.getElementById('receive-result').replaceChildren(
      el('div', { className: 'ok-box', id: 'received-ok' }, 'Đã tiếp nhận hồ sơ ', el('a', { href: `dossier.html?code=${encodeURIComponent(r.code)}` }, r.code), ` · hẹn trả ${fmtTime(r.dueAt)}`),
    );
    stepForm.elements.code.value = r.code;
  } catch (err) {
    showErrors(receive, err);
  } finally {
    button.disabled = false;
  }
});

stepForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors(stepForm);
  const f = stepForm.elements;
  const type = f.type.value;
  const code = f.code.value.trim();
  if (!code) {
    stepForm.querySelector('[data-error-for="code"]').textContent = 'Nhập mã hồ sơ';
    return;
  }
  const value = {
    reason: f.reason.value.trim() || undefined,
    outcome: f.outcome.value,
    toUnitId: f.toUnitId.value,
    newDueAt: localToIso(f.newDueAt.value),
    signedBy: f.signedBy.value.trim() || undefined,
    amount: number(f.amount.value),
    gateway: f.gateway.value,
    satisfied: bool(f.satisfied.value),
    reused: bool(f.reused.value),
    fromPersonalStore: bool(f.fromPersonalStore.value),
  };
  const body = { type, occurredAt: localToIso(f.occurredAt.value) };
  for (const field of STEPS[type][1]) if (value[field] !== undefined) body[field] = value[field];
  try {
    const r = await api(`/api/dossiers/${encodeURIComponent(code)}/events`, { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey() } });
    document.getElementById('step-result').replaceChildren(
      el('div', { className: 'ok-box' }, `Đã ghi nhận "${STEPS[type][0]}" cho hồ sơ `, el('a', { href: `dossier.html?code=${encodeURIComponent(code)}` }, code), ` · trạng thái ${r.status}`),
    );
  } catch (err) {
    showErrors(stepForm, err);
  }
});

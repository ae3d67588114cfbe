import { api, bindProcedures, bindStepFields, clearErrors, el, fmtTime, idempotencyKey, localToIso, nowLocal, ownUnits, showErrors, startPage, stepTypes } from './common.js';

const who = await startPage('clerk.html');
const receive = document.getElementById('receive');
const stepForm = document.getElementById('step');

// Which fields each step type carries (the API refuses the others), from the server's step modules; only the
// steps this role records (a supervisor signs apologies, the clerks record the rest).
const STEPS = Object.fromEntries(
  (await stepTypes()).steps
    .filter((s) => s.form && s.recordedBy.includes(who.role))
    .map((s) => [s.type, [s.labels.vi, Object.keys(s.fields)]]),
);
// Dossiers are received by the unit's clerks (and admins), not by its supervisor.
if (who.role === 'supervisor') receive.closest('section').classList.add('hidden');

const [units, procedures] = await Promise.all([api('/api/units'), api('/api/procedures')]);
const unitSelect = receive.elements.unitId;
for (const u of ownUnits(who, units)) unitSelect.append(el('option', { value: u.unitId }, u.name));
for (const u of units) stepForm.elements.toUnitId.append(el('option', { value: u.unitId }, u.name));
for (const [type, [label]] of Object.entries(STEPS)) stepForm.elements.type.append(el('option', { value: type }, `${label} (${type})`));

bindProcedures(unitSelect, receive.elements.procedureCode, procedures);

const showOnline = () =>
  receive.querySelector('[data-when-online]').classList.toggle('hidden', receive.elements.channel.value !== 'online');
receive.elements.channel.addEventListener('change', showOnline);
showOnline();
receive.elements.receivedAt.value = nowLocal(-60_000);
stepForm.elements.occurredAt.value = nowLocal(-60_000);

bindStepFields(stepForm, STEPS);

const number = (v) => (v === '' ? undefined : /^-?\d+$/.test(v.trim()) ? Number(v) : v);
const bool = (v) => (v === '' ? undefined : v === 'true');

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

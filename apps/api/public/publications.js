import { api, clearErrors, el, showErrors, startPage } from './common.js';

const who = await startPage('publications.html');
const isAdmin = who.role === 'admin';
for (const s of document.querySelectorAll('[data-admin-only]')) s.classList.toggle('hidden', !isAdmin);

const CHANGE = { new: 'Mới ban hành', amended: 'Sửa đổi, bổ sung', abolished: 'Bãi bỏ' };
const COMPONENTS = [
  ['name', 'Tên thủ tục'],
  ['steps', 'Trình tự thực hiện'],
  ['methods', 'Cách thức thực hiện'],
  ['dossier', 'Thành phần, số lượng hồ sơ'],
  ['timeLimit', 'Thời hạn giải quyết'],
  ['subjects', 'Đối tượng thực hiện'],
  ['agency', 'Cơ quan thực hiện'],
];
const fmtDate = (d) => (d ? d.split('-').reverse().join('/') : '—');
const verdict = (ok) => el('span', { className: ok ? 'badge on-time' : 'badge overdue' }, ok ? 'Đúng hạn' : 'Trễ hạn');

const decisionForm = document.getElementById('decision');
const madeForm = document.getElementById('made-public');
const itemsBox = document.getElementById('items');
let procedures = [];
let decisions = [];

// items.0.change → the items fieldset's slot.
const slotOf = (field) => (field.startsWith('items') ? 'items' : field);

function addItem(code = '', change = 'new') {
  const row = el(
    'div',
    { className: 'item-row' },
    el('select', { name: 'itemProcedure', 'aria-label': 'Thủ tục' }, el('option', { value: '' }, '— chọn TTHC —'), ...procedures.map((p) => el('option', { value: p.code, selected: p.code === code }, `${p.code} — ${p.name}`))),
    el('select', { name: 'itemChange', 'aria-label': 'Loại' }, ...Object.entries(CHANGE).map(([v, l]) => el('option', { value: v, selected: v === change }, l))),
    el('button', { type: 'button', className: 'link', onclick: () => row.remove() }, 'Bỏ'),
  );
  itemsBox.querySelector('[data-error-for]').before(row);
}

async function load() {
  [procedures, decisions] = await Promise.all([api('/api/procedures'), api('/api/publications')]);
  if (!itemsBox.querySelector('.item-row')) addItem();
  renderDecisions();
  renderComponents();
  madeForm.elements.id.replaceChildren(...decisions.map((d) => el('option', { value: d.publicationId }, `${d.decisionNo} (${fmtDate(d.decidedOn)})`)));
  fillMadeItems();
}

function fillMadeItems() {
  const d = decisions.find((x) => x.publicationId === madeForm.elements.id.value);
  madeForm.elements.procedureCode.replaceChildren(
    ...(d?.items ?? []).map((i) => el('option', { value: i.procedureCode }, `${i.procedureCode} — ${CHANGE[i.change]}${i.madePublicOn ? ` (đã công khai ${fmtDate(i.madePublicOn)})` : ''}`)),
  );
}
madeForm.elements.id.addEventListener('change', fillMadeItems);

function renderDecisions() {
  const body = document.querySelector('#decisions tbody');
  const rows = [];
  for (const d of decisions) {
    d.items.forEach((i, k) =>
      rows.push(
        el(
          'tr',
          { dataset: { publication: d.publicationId, procedure: i.procedureCode } },
          el('td', {}, k === 0 ? d.decisionNo : ''),
          el('td', {}, k === 0 ? fmtDate(d.decidedOn) : ''),
          el('td', {}, k === 0 ? fmtDate(d.basisEffectiveOn) : ''),
          el('td', {}, i.procedureCode),
          el('td', {}, CHANGE[i.change]),
          el('td', {}, i.madePublicOn ? fmtDate(i.madePublicOn) : el('span', { className: 'muted' }, 'chưa công khai')),
          el('td', {}, fmtDate(i.madePublicBy)),
          el('td', { dataset: { cell: '1.1' } }, verdict(i.decidedOnTime)),
          el('td', { dataset: { cell: '1.2' } }, verdict(i.madePublicOnTime)),
        ),
      ),
    );
  }
  body.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colSpan: 9, className: 'muted' }, 'Chưa có quyết định công bố nào.'))]));
}

function renderComponents() {
  const table = document.getElementById('components');
  table.tHead.replaceChildren(el('tr', {}, el('th', {}, 'Thủ tục'), ...COMPONENTS.map(([, l]) => el('th', {}, l)), el('th', {}, 'Đủ 7')));
  table.tBodies[0].replaceChildren(
    ...procedures.map((p) => {
      const have = new Set(p.publicComponents ?? []);
      return el(
        'tr',
        { dataset: { procedure: p.code } },
        el('td', {}, `${p.code} — ${p.name}`),
        ...COMPONENTS.map(([c]) => el('td', { className: 'num' }, have.has(c) ? '✓' : '—')),
        el('td', { className: 'num' }, have.size === 7 ? el('strong', {}, 'Có') : 'Chưa'),
      );
    }),
  );
}

document.getElementById('add-item').addEventListener('click', () => addItem());

decisionForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors(decisionForm);
  document.getElementById('decision-ok').classList.add('hidden');
  const f = decisionForm.elements;
  const id = f.id.value.trim();
  if (!id) {
    decisionForm.querySelector('[data-error-for="id"]').textContent = 'Nhập mã quyết định';
    return;
  }
  const items = [...itemsBox.querySelectorAll('.item-row')]
    .map((r) => ({ procedureCode: r.querySelector('[name=itemProcedure]').value, change: r.querySelector('[name=itemChange]').value }))
    .filter((i) => i.procedureCode);
  const body = { decisionNo: f.decisionNo.value.trim(), decidedOn: f.decidedOn.value, basisEffectiveOn: f.basisEffectiveOn.value, items };
  try {
    const saved = await api(`/api/publications/${encodeURIComponent(id)}`, { method: 'PUT', body, headers: { 'Idempotency-Key': crypto.randomUUID() } });
    const ok = document.getElementById('decision-ok');
    ok.textContent = `Đã lưu quyết định ${saved.decisionNo}: ${saved.items.length} TTHC, hạn công khai ${fmtDate(saved.items[0]?.madePublicBy)}.`;
    ok.classList.remove('hidden');
    await load();
  } catch (err) {
    showErrors(decisionForm, err, slotOf);
  }
});

madeForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearErrors(madeForm);
  document.getElementById('made-public-ok').classList.add('hidden');
  const f = madeForm.elements;
  try {
    const saved = await api(`/api/publications/${encodeURIComponent(f.id.value)}/made-public`, {
      method: 'POST',
      body: { procedureCode: f.procedureCode.value, madePublicOn: f.madePublicOn.value },
      headers: { 'Idempotency-Key': crypto.randomUUID() },
    });
    const item = saved.items.find((i) => i.procedureCode === f.procedureCode.value);
    const ok = document.getElementById('made-public-ok');
    ok.textContent = `Đã ghi nhận công khai ${item.procedureCode} ngày ${fmtDate(item.madePublicOn)}: ${item.madePublicOnTime ? 'đúng hạn' : 'trễ hạn'}.`;
    ok.classList.remove('hidden');
    await load();
  } catch (err) {
    showErrors(madeForm, err, slotOf);
  }
});

await load();

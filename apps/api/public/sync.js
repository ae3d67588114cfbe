import { ApiFailure, api, el, fmtTime, startPage } from './common.js';

const who = await startPage('sync.html');
const errorBox = document.getElementById('sync-error');

const age = (s) => (s === null ? '—' : s < 120 ? `${s} giây` : s < 7200 ? `${Math.round(s / 60)} phút` : `${Math.round(s / 3600)} giờ`);

async function resend(code, button) {
  button.disabled = true;
  try {
    await api(`/api/sync/${encodeURIComponent(code)}/resend`, { method: 'POST' });
    await load();
  } catch (error) {
    errorBox.textContent = error instanceof ApiFailure ? error.message : String(error);
    button.disabled = false;
  }
}

async function load() {
  errorBox.textContent = '';
  const [sync, units] = await Promise.all([api('/api/sync?status=failed'), api('/api/units')]);
  const names = new Map(units.map((u) => [u.unitId, u.name]));
  document.getElementById('enabled').textContent = sync.enabled
    ? 'Hệ thống tự đẩy hồ sơ lên Cổng.'
    : 'Chưa cấu hình Cổng (NATIONAL_PORTAL_*): cán bộ ghi nhận đồng bộ thủ công.';
  document.getElementById('units').replaceChildren(
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, ...['Đơn vị', 'Đã đồng bộ', 'Đang chờ', 'Lỗi', 'Chờ lâu nhất'].map((h, i) => el('th', { className: i ? 'num' : '' }, h)))),
      el(
        'tbody',
        {},
        sync.units.map((u) =>
          el(
            'tr',
            { dataset: { unit: u.unitId } },
            el('td', {}, names.get(u.unitId) ?? u.unitId),
            el('td', { className: 'num' }, String(u.synced)),
            el('td', { className: 'num' }, String(u.pending)),
            el('td', { className: 'num' }, String(u.failed)),
            el('td', { className: 'num' }, age(u.oldestPendingAgeSeconds)),
          ),
        ),
      ),
    ),
  );
  document.getElementById('failed').replaceChildren(
    sync.failed.length
      ? el(
          'table',
          {},
          el('thead', {}, el('tr', {}, el('th', {}, 'Hồ sơ'), el('th', {}, 'Lỗi'), el('th', {}, 'Lúc'), el('th', {}, ''))),
          el(
            'tbody',
            {},
            sync.failed.map((f) => {
              const button = el('button', { type: 'button' }, 'Gửi lại');
              button.addEventListener('click', () => resend(f.code, button));
              return el(
                'tr',
                { dataset: { code: f.code } },
                el('td', {}, el('a', { href: `dossier.html?code=${encodeURIComponent(f.code)}` }, f.code), el('div', { className: 'muted small' }, names.get(f.unitId) ?? f.unitId)),
                el('td', {}, f.error, el('div', { className: 'muted small' }, `${f.attempts} lần thử`)),
                el('td', {}, fmtTime(f.failedAt)),
                el('td', {}, who.role === 'admin' ? button : ''),
              );
            }),
          ),
        )
      : el('p', { className: 'muted' }, 'Không có lần đẩy lỗi.'),
  );
}

document.getElementById('refresh').addEventListener('click', () => load().catch((e) => (errorBox.textContent = String(e))));
await load().catch((e) => (errorBox.textContent = e instanceof ApiFailure ? e.message : String(e)));

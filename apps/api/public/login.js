import { ApiFailure, api, homeOf, setToken, token } from './common.js';

const tokenForm = document.getElementById('login');
const tokenError = document.getElementById('login-error');
const passwordForm = document.getElementById('password-login');
const next = new URLSearchParams(location.search).get('next');
const safeNext = next && /^\/[a-z-]+\.html(\?[^#]*)?$/.test(next) ? next : null;

async function enter() {
  const who = await api('/api/dashboard/me');
  location.href = safeNext ?? homeOf(who.role);
}

tokenForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  tokenError.textContent = '';
  setToken(document.getElementById('token').value.trim());
  try {
    await enter();
  } catch (err) {
    sessionStorage.clear();
    tokenError.textContent = err instanceof ApiFailure && err.status === 401 ? 'Mã truy cập không đúng.' : String(err.message);
  }
});

// People of the users file (TRACKER_USERS_FILE) log in with a name and password; the server keeps the session
// in an HttpOnly cookie, which this page never sees.
const FIELD_LABEL = { name: 'Tên đăng nhập', password: 'Mật khẩu' };
function showError(field, text) {
  passwordForm.querySelector(`[data-error-for="${field}"]`).textContent = text;
}

passwordForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  for (const slot of passwordForm.querySelectorAll('[data-error-for]')) slot.textContent = '';
  const name = passwordForm.elements.name.value.trim();
  const password = passwordForm.elements.password.value;
  if (!name) showError('name', 'Nhập tên đăng nhập.');
  if (!password) showError('password', 'Nhập mật khẩu.');
  if (!name || !password) return;
  sessionStorage.clear(); // a token left from before would be sent instead of the session
  const res = await fetch('/api/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (res.ok) {
    await enter().catch((err) => showError('_form', String(err.message)));
    return;
  }
  const body = await res.json().catch(() => null);
  const code = body?.error?.code;
  if (code === 'VALIDATION_FAILED') {
    for (const d of body.error.details ?? []) showError(d.field in FIELD_LABEL ? d.field : '_form', `${FIELD_LABEL[d.field] ?? d.field}: ${d.problems.join('; ')}`);
  } else if (code === 'INVALID_CREDENTIALS') {
    showError('password', 'Tên đăng nhập hoặc mật khẩu không đúng.');
  } else if (code === 'ACCOUNT_DISABLED') {
    showError('name', 'Tài khoản này đã bị khóa; liên hệ quản trị viên.');
  } else if (code === 'LOGIN_IN_PROGRESS') {
    showError('password', 'Đang kiểm tra một lần đăng nhập khác của tên này; thử lại sau giây lát.');
  } else if (res.status === 429) {
    showError('password', `Đăng nhập sai quá nhiều lần; thử lại sau ${res.headers.get('Retry-After') ?? 'ít'} giây.`);
  } else {
    showError('_form', body?.error?.message ?? `Lỗi HTTP ${res.status}`);
  }
});

async function start() {
  let session = { passwordLogin: false, caller: null };
  try {
    session = await api('/api/session');
  } catch {
    // The server is unreachable: the forms stay, their submit says so.
  }
  if (session.caller || token()) {
    try {
      await enter();
      return;
    } catch {
      sessionStorage.clear();
    }
  }
  if (session.passwordLogin) {
    passwordForm.hidden = false;
    document.getElementById('token-login').open = false;
    passwordForm.elements.name.focus();
  }
}
void start();

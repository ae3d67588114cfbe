import { ApiFailure, api, homeOf, setToken, token } from './common.js';

const form = document.getElementById('login');
const error = document.getElementById('login-error');
const next = new URLSearchParams(location.search).get('next');
const safeNext = next && /^\/[a-z-]+\.html(\?[^#]*)?$/.test(next) ? next : null;

async function enter() {
  const who = await api('/api/dashboard/me');
  location.href = safeNext ?? homeOf(who.role);
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.textContent = '';
  setToken(document.getElementById('token').value.trim());
  try {
    await enter();
  } catch (err) {
    sessionStorage.clear();
    error.textContent = err instanceof ApiFailure && err.status === 401 ? 'Mã truy cập không đúng.' : String(err.message);
  }
});

if (token()) enter().catch(() => sessionStorage.clear());

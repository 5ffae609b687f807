// The dashboard's only way to the server: the JSON API of docs/api.md under /api/v1.
// The session cookie (HttpOnly) travels by itself; every request other than GET/HEAD carries
// the session's CSRF token in X-CSRF-Token. A 401 means the session is gone: the handler set
// by the app shows the login page.

let csrfToken = null;
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

// {a: 'x', b: '', c: null} -> "?a=x"
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== '') q.set(k, v);
  }
  const text = q.toString();
  return text ? '?' + text : '';
}

export async function request(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch('/api/v1' + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (res.status === 401 && path !== '/session') {
    csrfToken = null;
    onUnauthorized();
    throw new ApiError(401, 'Your session has ended: log in again.');
  }
  if (!res.ok) {
    const message = data && data.error ? data.error : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message);
  }
  return data;
}

export const get = (path, params) => request('GET', path + query(params));
export const post = (path, body = {}) => request('POST', path, body);
export const patch = (path, body) => request('PATCH', path, body);
export const del = (path, params) => request('DELETE', path + query(params));

// Path segments are user data: always encode them.
export const seg = (text) => encodeURIComponent(text);

// --- the session -----------------------------------------------------------------------------
// {name, account, admin, csrf_token} or null.
export async function currentSession() {
  try {
    const s = await request('GET', '/session');
    csrfToken = s.csrf_token;
    return s;
  } catch (err) {
    if (err.status === 401) return null;
    throw err;
  }
}

export async function login(key) {
  const s = await request('POST', '/session', {key});
  csrfToken = s.csrf_token;
  return s;
}

export async function logout() {
  try {
    await request('DELETE', '/session');
  } finally {
    csrfToken = null;
  }
}

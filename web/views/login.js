// Login: paste an API key (admin or account); POST /api/v1/session sets the HttpOnly cookie.
import * as api from '../api.js';
import {h, mount, field, notice} from '../dom.js';

export const title = 'Log in';

export function render(root, {onLogin}) {
  const key = h('input', {type: 'password', name: 'key', id: 'login-key', autocomplete: 'off',
    placeholder: 'pk_…', required: true, spellcheck: 'false'});
  const status = notice();
  const form = h('form', {class: 'card login', id: 'login-form'},
    h('h1', {}, 'Log in to Postern'),
    h('p', {}, 'Paste an API key. An admin key manages every account; an account key manages ' +
      'only its own account. Create one with ',
      h('code', {}, 'postern apikey add NAME [--account ACCOUNT]'), '.'),
    field('API key', key),
    status.el,
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Log in')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.clear();
    try {
      const session = await api.login(key.value.trim());
      key.value = '';
      onLogin(session);
    } catch (err) {
      status.error(err.status === 401 ? 'This key is not valid (or was revoked).' : err);
    }
  });
  mount(root, form);
  key.focus();
}

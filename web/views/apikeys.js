// API keys: list, create (the key is shown once; only its SHA-256 is stored), revoke.
import * as api from '../api.js';
import {h, mount, badge, confirmAction, field, fmtTime, notice, pageHeader, secretBox, select, table} from '../dom.js';

export const title = 'API keys';

export async function render(root, {session}) {
  const accounts = (await api.get('/accounts')).map((a) => a.name);
  const status = notice();
  const secrets = h('div', {class: 'secrets'});
  const list = h('div');

  async function reload(message) {
    const keys = await api.get('/apikeys');
    if (message) status.ok(message);
    list.replaceChildren(table([
      {title: 'Name', cell: (k) => [k.name, k.name === session.name ? [' ', badge('this session', 'quiet')] : null]},
      {title: 'Scope', cell: (k) => k.account ? `account ${k.account}` : badge('admin', 'warn')},
      {title: 'Prefix', cell: (k) => h('code', {}, k.prefix + '…')},
      {title: 'Created', class: 'time', cell: (k) => fmtTime(k.created_at)},
      {title: 'Last used', class: 'time', cell: (k) => fmtTime(k.last_used_at, 'never')},
      {title: '', cell: (k) => h('button', {type: 'button', class: 'btn btn-small btn-danger', onclick: async () => {
        const self = k.name === session.name ? ' This is the key of your own session: you will be logged out.' : '';
        if (!await confirmAction(`Revoke the API key ${k.name}? Scripts using it stop working at once.${self}`,
          'Revoke')) return;
        try {
          await api.del(`/apikeys/${api.seg(k.name)}`);
          await reload(`${k.name} was revoked.`);
        } catch (err) {
          status.error(err);
        }
      }}, 'Revoke')},
    ], keys, 'No API keys.'));
  }

  const name = h('input', {name: 'name', required: true, placeholder: 'deploy-bot', spellcheck: 'false'});
  const scope = session.admin
    ? select('account', [['', 'admin (every account)'], ...accounts], '')
    : select('account', [[session.account, `account ${session.account}`]], session.account);
  const form = h('form', {class: 'card form-inline', id: 'add-apikey'},
    field('Name', name), field('Scope', scope),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Create key')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.clear();
    const body = {name: name.value.trim()};
    if (scope.value) body.account = scope.value;
    try {
      const k = await api.post('/apikeys', body);
      form.reset();
      secrets.replaceChildren(secretBox(`API key ${k.name}`, k.key,
        'Shown only this once: Postern stores only its hash. Copy it now; if it is lost, ' +
        'revoke it and create another.'));
      await reload();
    } catch (err) {
      status.error(err);
    }
  });
  mount(root, pageHeader('API keys'),
    h('p', {class: 'lead'}, 'Send a key as "Authorization: Bearer <key>". An admin key manages ' +
      'everything; an account key only its own account.'),
    status.el, secrets, form, list);
  await reload();
}

// Outbound → SMTP users: the list (status, quota use, last login) and the create form. A
// generated password is shown exactly once, in a box that exists only until it is hidden or
// the page is left.
import * as api from '../api.js';
import {h, mount, fmtTime, notice, pageHeader, secretBox, select, table} from '../dom.js';
import {userForm} from './user_form.js';
import {quotaUse, statusBadges, userActions} from './user_actions.js';

export const title = 'SMTP users';

export async function render(root, {session, params}) {
  const account = params.get('account') || '';
  const accounts = (await api.get('/accounts')).map((a) => a.name);
  const status = notice();
  const secrets = h('div', {class: 'secrets'});
  const list = h('div', {class: 'table-holder'});

  async function load() {
    const users = await api.get('/smtp-users', {account});
    list.replaceChildren(table([
      {title: 'Username', cell: (u) => h('a', {href: '#/users/' + api.seg(u.username), class: 'user-link'}, u.username)},
      {title: 'Account', cell: (u) => u.account},
      {title: 'Status', cell: (u) => statusBadges(u)},
      {title: 'Quota use', cell: (u) => quotaUse(u)},
      {title: 'Last login', class: 'time', cell: (u) => fmtTime(u.last_login_at, 'never')},
      {title: '', class: 'actions-col', cell: (u) => [
        h('a', {href: `#/users/${api.seg(u.username)}/edit`, class: 'btn btn-small'}, 'Edit'),
        userActions(u, {
          onChange: (what) => {
            if (what === 'deleted') status.ok(`${u.username} was deleted.`);
            load().catch(status.error);
          },
          onError: status.error,
          showSecret: (node) => secrets.replaceChildren(node),
        })]},
    ], users, 'No SMTP users yet: create one with "New SMTP user".'));
  }

  const {form, values} = userForm(null, accounts, 'Create SMTP user');
  const createCard = h('div', {class: 'create', hidden: true},
    h('h2', {}, 'New SMTP user'), form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.clear();
    try {
      const created = await api.post('/smtp-users', values());
      form.reset();
      createCard.hidden = true;
      if (created.password) {
        secrets.replaceChildren(secretBox(`Password for ${created.username}`, created.password,
          'This password is shown only once and cannot be shown again. Copy it into the ' +
          'client now; if it is lost, reset the password.'));
      } else {
        status.ok(`${created.username} was created with the password you typed.`);
      }
      await load();
    } catch (err) {
      status.error(err);
    }
  });

  const controls = [];
  if (session.admin && accounts.length) {
    const pick = select('account-filter', [['', 'All accounts'], ...accounts], account);
    pick.addEventListener('change', () => { location.hash = '#/users' + api.query({account: pick.value}); });
    controls.push(h('label', {class: 'inline'}, 'Account ', pick));
  }
  const newButton = h('button', {type: 'button', class: 'btn btn-primary', id: 'new-user',
    onclick: () => { createCard.hidden = !createCard.hidden; }}, 'New SMTP user');
  if (!accounts.length) newButton.disabled = true;

  mount(root, 
    pageHeader('Outbound → SMTP users', ...controls, newButton),
    accounts.length ? null : h('p', {class: 'notice notice-error'},
      'There is no account yet: create one first (postern account add NAME, or POST /api/v1/accounts).'),
    status.el, secrets, createCard, list);
  await load();
}

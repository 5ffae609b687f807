// Suppressions: per account, the addresses Postern refuses to send to; add and remove.
import * as api from '../api.js';
import {h, mount, confirmAction, field, fmtTime, notice, pageHeader, select, table} from '../dom.js';

export const title = 'Suppressions';

export async function render(root, {params}) {
  const accounts = (await api.get('/accounts')).map((a) => a.name);
  const account = params.get('account') || accounts[0] || '';
  const status = notice();
  const list = h('div');
  const pick = select('account', accounts, account);
  pick.addEventListener('change', () => { location.hash = '#/suppressions' + api.query({account: pick.value}); });

  async function reload(message) {
    const rows = await api.get('/suppressions', {account});
    if (message) status.ok(message);
    list.replaceChildren(table([
      {title: 'Address', cell: (r) => h('code', {}, r.address)},
      {title: 'Reason', cell: (r) => r.reason || '—'},
      {title: 'Since', class: 'time', cell: (r) => fmtTime(r.created_at)},
      {title: '', cell: (r) => h('button', {type: 'button', class: 'btn btn-small btn-danger', onclick: async () => {
        if (!await confirmAction(`Remove ${r.address} from the suppression list of ${account}? ` +
          'Mail to it will be sent again.', 'Remove')) return;
        try {
          await api.del('/suppressions', {account, address: r.address});
          await reload(`${r.address} was removed.`);
        } catch (err) {
          status.error(err);
        }
      }}, 'Remove')},
    ], rows, `No suppressed addresses for ${account}.`));
  }

  const address = h('input', {name: 'address', type: 'email', required: true, placeholder: 'someone@example.org'});
  const reason = h('input', {name: 'reason', placeholder: 'optional, e.g. "complaint"'});
  const form = h('form', {class: 'card form-inline', id: 'add-suppression'},
    field('Address', address), field('Reason', reason),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Suppress')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.clear();
    try {
      const body = {account, address: address.value.trim()};
      if (reason.value.trim()) body.reason = reason.value.trim();
      await api.post('/suppressions', body);
      form.reset();
      await reload(`${body.address} is suppressed for ${account}.`);
    } catch (err) {
      status.error(err);
    }
  });

  if (!accounts.length) {
    mount(root, pageHeader('Suppressions'), h('p', {class: 'empty'}, 'There is no account yet.'));
    return;
  }
  mount(root, pageHeader('Suppressions', h('label', {class: 'inline'}, 'Account ', pick)),
    h('p', {class: 'lead'}, 'Postern refuses mail to these addresses for this account (550 5.1.1 [SUPPRESSED] at RCPT TO).'),
    status.el, form, list);
  await reload();
}

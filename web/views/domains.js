// Domains: the sender domains, the DNS records to publish for each (DKIM, SPF, DMARC), a
// verification per record, add and remove.
import * as api from '../api.js';
import {h, mount, badge, confirmAction, field, fmtTime, notice, pageHeader, select, table} from '../dom.js';

export const title = 'Domains';

const STATUS_KIND = {ok: 'ok', missing: 'bad', mismatch: 'bad', unchecked: 'quiet'};

function checkBadge(status = 'unchecked') {
  return badge(status, STATUS_KIND[status] || 'warn');
}

function recordsTable(domain) {
  return table([
    {title: 'Kind', cell: (r) => r.kind.toUpperCase()},
    {title: 'Name', cell: (r) => h('code', {}, r.name)},
    {title: 'Type', cell: (r) => r.type},
    {title: 'Value', class: 'wrap', cell: (r) => h('code', {class: 'record-value'}, r.value)},
    {title: '', cell: (r) => h('button', {type: 'button', class: 'btn btn-small', onclick: async (ev) => {
      try {
        await navigator.clipboard.writeText(r.zone || r.value);
        ev.target.textContent = 'Copied';
      } catch {
        ev.target.textContent = 'Copy failed';
      }
    }}, 'Copy')},
  ], domain.records || [], 'No records.');
}

// The verification report: one row per record (SPF, each DKIM selector, DMARC).
function reportTable(report) {
  const rows = [
    {record: 'SPF', ...report.spf},
    ...(report.dkim || []).map((d) => ({record: `DKIM ${d.selector}`, ...d})),
    {record: 'DMARC', ...report.dmarc},
  ];
  return h('div', {class: 'report'},
    h('p', {}, report.verified ? badge('verified', 'ok') : badge('not verified', 'bad'),
      ` checked ${fmtTime(report.checked_at)}`),
    table([
      {title: 'Record', cell: (r) => r.record},
      {title: 'Status', cell: (r) => checkBadge(r.status)},
      {title: 'Name', cell: (r) => h('code', {}, r.name || '')},
      {title: 'Found', class: 'wrap', cell: (r) => r.found ? h('code', {}, r.found) : '—'},
      {title: 'Detail', class: 'wrap', cell: (r) => r.detail || ''},
    ], rows));
}

function domainCard(d, {reload, status}) {
  const details = h('div', {class: 'domain-details'}, h('h4', {}, 'DNS records to publish'), recordsTable(d));
  details.hidden = true;
  const reportHolder = h('div');
  const v = d.verification || {};
  return h('article', {class: 'card domain', 'data-domain': d.name},
    h('div', {class: 'domain-head'},
      h('h3', {}, d.name),
      d.verified ? badge('verified', 'ok') : badge('not verified', 'bad'),
      h('span', {class: 'muted'}, `account ${d.account}`),
      h('span', {class: 'checks'}, 'SPF ', checkBadge(v.spf), ' DKIM ', checkBadge(v.dkim),
        ' DMARC ', checkBadge(v.dmarc)),
      h('span', {class: 'muted'}, v.checked_at ? `checked ${fmtTime(v.checked_at)}` : 'never checked'),
      h('span', {class: 'row-actions'},
        h('button', {type: 'button', class: 'btn btn-small', onclick: () => { details.hidden = !details.hidden; }},
          'Records'),
        h('button', {type: 'button', class: 'btn btn-small', onclick: async (ev) => {
          ev.target.disabled = true;
          try {
            const report = await api.post(`/domains/${api.seg(d.name)}/verify`);
            reportHolder.replaceChildren(reportTable(report));
          } catch (err) {
            status.error(err);
          } finally {
            ev.target.disabled = false;
          }
        }}, 'Verify'),
        h('button', {type: 'button', class: 'btn btn-small btn-danger', onclick: async () => {
          if (!await confirmAction(`Remove ${d.name}? Mail from it is no longer DKIM-signed, and ` +
            'users assigned to it can no longer send as it.', 'Remove')) return;
          try {
            await api.del(`/domains/${api.seg(d.name)}`);
            await reload(`${d.name} was removed.`);
          } catch (err) {
            status.error(err);
          }
        }}, 'Remove'))),
    reportHolder, details);
}

export async function render(root) {
  const accounts = (await api.get('/accounts')).map((a) => a.name);
  const status = notice();
  const added = h('div');
  const list = h('div', {class: 'domains'});

  async function reload(message) {
    const domains = await api.get('/domains');
    if (message) status.ok(message);
    list.replaceChildren(...(domains.length
      ? domains.map((d) => domainCard(d, {reload, status}))
      : [h('p', {class: 'empty'}, 'No domains yet.')]));
  }

  const name = h('input', {name: 'domain', required: true, placeholder: 'example.com', spellcheck: 'false'});
  const account = select('account', accounts, accounts[0]);
  const rsa = h('input', {type: 'checkbox', name: 'rsa', checked: true});
  const ed = h('input', {type: 'checkbox', name: 'ed25519', checked: true});
  const form = h('form', {class: 'card form-inline', id: 'add-domain'},
    field('Account', account), field('Domain', name),
    h('fieldset', {class: 'field'}, h('legend', {}, 'DKIM keys'),
      h('label', {class: 'check'}, rsa, ' RSA'), h('label', {class: 'check'}, ed, ' Ed25519')),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Add domain')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.clear();
    const algorithms = [rsa.checked && 'rsa', ed.checked && 'ed25519'].filter(Boolean);
    try {
      const d = await api.post('/domains', {account: account.value, domain: name.value.trim(), algorithms});
      form.reset();
      added.replaceChildren(h('div', {class: 'card added'},
        h('h3', {}, `Publish these DNS records for ${d.name}`),
        h('p', {}, 'Then press "Verify": Postern signs and accepts mail from the domain once the records are found.'),
        recordsTable(d)));
      await reload();
    } catch (err) {
      status.error(err);
    }
  });
  mount(root, pageHeader('Domains'), status.el,
    accounts.length ? form : h('p', {class: 'notice notice-error'}, 'There is no account yet.'),
    added, list);
  await reload();
}

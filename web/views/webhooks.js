// Webhooks: the endpoints (with pending and dead-letter counts), create (the signing secret is
// shown once), delete; #/webhooks/<id> lists the deliveries of one endpoint, dead letters
// first-class, with a redeliver button.
import * as api from '../api.js';
import {h, mount, badge, confirmAction, field, fmtTime, notice, pageHeader, secretBox, select, table} from '../dom.js';

export const title = 'Webhooks';

const EVENTS = ['accepted', 'delivered', 'deferred', 'bounced', 'expired', 'rejected', 'auth_failed'];
const DELIVERY_KIND = {delivered: 'ok', pending: 'warn', dead: 'bad'};

async function renderList(root, session) {
  const accounts = session.admin ? (await api.get('/accounts')).map((a) => a.name) : [];
  const status = notice();
  const secrets = h('div', {class: 'secrets'});
  const list = h('div');

  async function reload(message) {
    const hooks = await api.get('/webhooks');
    if (message) status.ok(message);
    list.replaceChildren(table([
      {title: 'URL', class: 'wrap', cell: (w) => h('a', {href: `#/webhooks/${api.seg(w.id)}`}, w.url)},
      {title: 'Account', cell: (w) => w.account || 'all (admin)'},
      {title: 'Events', class: 'wrap', cell: (w) => (w.events || []).join(', ')},
      {title: 'Active', cell: (w) => badge(w.active ? 'active' : 'inactive', w.active ? 'ok' : 'quiet')},
      {title: 'Pending', cell: (w) => String(w.pending ?? 0)},
      {title: 'Dead letters', cell: (w) => w.dead ? badge(String(w.dead), 'bad') : '0'},
      {title: 'Created', class: 'time', cell: (w) => fmtTime(w.created_at)},
      {title: '', cell: (w) => h('span', {class: 'row-actions'},
        h('a', {href: `#/webhooks/${api.seg(w.id)}`, class: 'btn btn-small'}, 'Deliveries'),
        h('button', {type: 'button', class: 'btn btn-small btn-danger', onclick: async () => {
          if (!await confirmAction(`Delete the webhook to ${w.url}? Its pending deliveries are dropped.`,
            'Delete')) return;
          try {
            await api.del(`/webhooks/${api.seg(w.id)}`);
            await reload('The webhook was deleted.');
          } catch (err) {
            status.error(err);
          }
        }}, 'Delete'))},
    ], hooks, 'No webhooks yet.'));
  }

  const url = h('input', {name: 'url', type: 'url', required: true, placeholder: 'https://example.com/postern-events'});
  const boxes = EVENTS.map((e) => h('input', {type: 'checkbox', name: 'event', value: e, checked: e !== 'accepted'}));
  const account = session.admin
    ? select('account', [['', 'all accounts (admin hook)'], ...accounts], '')
    : null;
  const form = h('form', {class: 'card form-grid', id: 'add-webhook'},
    field('URL', url, 'Events are POSTed here as JSON, signed with X-Postern-Signature: sha256=<HMAC>.'),
    account ? field('Account', account) : null,
    h('fieldset', {class: 'field'}, h('legend', {}, 'Events'),
      boxes.map((b) => h('label', {class: 'check'}, b, ' ', b.value))),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Create webhook')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.clear();
    const body = {url: url.value.trim(), events: boxes.filter((b) => b.checked).map((b) => b.value)};
    if (account && account.value) body.account = account.value;
    try {
      const w = await api.post('/webhooks', body);
      form.reset();
      if (w.secret) {
        secrets.replaceChildren(secretBox(`Signing secret for ${w.url}`, w.secret,
          'Shown only this once: store it in the receiver now to verify X-Postern-Signature. ' +
          'If it is lost, delete the webhook and create a new one.'));
      }
      await reload();
    } catch (err) {
      status.error(err);
    }
  });
  mount(root, pageHeader('Webhooks'), status.el, secrets, form, list);
  await reload();
}

async function renderDeliveries(root, id, params) {
  const filter = params.get('status') || '';
  const status = notice();
  const list = h('div');
  const pick = select('status', [['', 'all'], 'pending', 'delivered', 'dead'], filter);
  pick.addEventListener('change', () => {
    location.hash = `#/webhooks/${api.seg(id)}` + api.query({status: pick.value});
  });

  async function reload(message) {
    const rows = await api.get(`/webhooks/${api.seg(id)}/deliveries`, {status: filter, limit: 200});
    if (message) status.ok(message);
    list.replaceChildren(table([
      {title: 'Created', class: 'time', cell: (d) => fmtTime(d.created_at)},
      {title: 'Event', cell: (d) => d.event},
      {title: 'Status', cell: (d) => badge(d.status === 'dead' ? 'dead letter' : d.status, DELIVERY_KIND[d.status])},
      {title: 'Attempts', cell: (d) => String(d.attempts)},
      {title: 'Next attempt', cell: (d) => d.status === 'pending' ? fmtTime(d.next_attempt_at) : '—'},
      {title: 'Last error', class: 'wrap', cell: (d) => d.last_error || ''},
      {title: 'Body', class: 'wrap', cell: (d) => h('details', {}, h('summary', {}, 'show'),
        h('pre', {}, d.body || ''))},
      {title: '', cell: (d) => d.status === 'pending' ? '' : h('button', {type: 'button', class: 'btn btn-small',
        onclick: async () => {
          try {
            await api.post(`/webhooks/${api.seg(id)}/deliveries/${api.seg(d.id)}/redeliver`);
            await reload('The delivery was queued again.');
          } catch (err) {
            status.error(err);
          }
        }}, 'Redeliver')},
    ], rows, 'No deliveries.'));
  }

  mount(root, h('p', {class: 'crumbs'}, h('a', {href: '#/webhooks'}, '← Webhooks')),
    pageHeader(`Deliveries of webhook ${id}`, h('label', {class: 'inline'}, 'Status ', pick)),
    h('p', {class: 'lead'}, 'Failed deliveries are retried after 30 s, 2 min, 10 min, 1 h and 4 h; ' +
      'after that they become dead letters, which you can redeliver here.'),
    status.el, list);
  await reload();
}

export async function render(root, {session, parts, params}) {
  if (parts[1]) await renderDeliveries(root, parts[1], params);
  else await renderList(root, session);
}

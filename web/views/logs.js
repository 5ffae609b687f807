// Logs: the auth log and the message log, filtered by user, IP (auth) or queue id (messages),
// result or status, and time. The filters live in the hash (#/logs?kind=auth&user=x), so a
// filtered view can be bookmarked or shared.
import * as api from '../api.js';
import {h, mount, badge, field, fmtTime, pageHeader, select, table} from '../dom.js';

export const title = 'Logs';

const SINCE = [['15m', 'last 15 minutes'], ['1h', 'last hour'], ['24h', 'last 24 hours'],
  ['7d', 'last 7 days'], ['30d', 'last 30 days'], ['', 'any time']];
const STATUSES = ['accepted', 'rejected', 'deferred', 'delivered', 'bounced', 'expired', 'suppressed'];
const GOOD = new Set(['ok', 'accepted', 'delivered']);

function resultBadge(text) {
  return badge(text, GOOD.has(text) ? 'ok' : text === 'deferred' ? 'warn' : 'bad');
}

function userCell(name, known) {
  if (!name) return '—';
  return known ? h('a', {href: '#/users/' + api.seg(name)}, name) : name;
}

function authTable(events) {
  return table([
    {title: 'Time', class: 'time', cell: (e) => fmtTime(e.time)},
    {title: 'Username', cell: (e) => userCell(e.username, e.user_id)},
    {title: 'Client IP', cell: (e) => h('code', {}, e.ip)},
    {title: 'Result', cell: (e) => resultBadge(e.result)},
    {title: 'Reason', cell: (e) => [h('code', {class: 'reason'}, e.reason),
      ...(e.hints || []).map((hint) => [' ', badge(hint, 'warn')])]},
    {title: 'Reply', class: 'wrap', cell: (e) => h('code', {}, e.reply || '')},
    {title: 'Detail', class: 'wrap', cell: (e) => e.detail || ''},
  ], events, 'No auth events match these filters.');
}

function messageTable(events) {
  return table([
    {title: 'Time', class: 'time', cell: (e) => fmtTime(e.time)},
    {title: 'Queue id', cell: (e) => e.id ? h('code', {}, e.id) : '—'},
    {title: 'User', cell: (e) => userCell(e.user, true)},
    {title: 'Status', cell: (e) => resultBadge(e.status)},
    {title: 'Reason', cell: (e) => e.reason ? h('code', {}, e.reason) : ''},
    {title: 'From', cell: (e) => e.mail_from || '<>'},
    {title: 'To', cell: (e) => e.rcpt || '—'},
    {title: 'Size', cell: (e) => String(e.size ?? '')},
    {title: 'Remote', class: 'wrap', cell: (e) => [e.mx ? h('code', {}, e.mx) : null,
      e.remote_reply ? [' ', e.remote_reply] : null]},
  ], events, 'No message events match these filters.');
}

export async function render(root, {params}) {
  const kind = params.get('kind') === 'messages' ? 'messages' : 'auth';
  const p = (k, d = '') => params.get(k) ?? d;
  const inputs = {
    user: h('input', {name: 'user', value: p('user'), spellcheck: 'false', placeholder: 'any'}),
    ip: h('input', {name: 'ip', value: p('ip'), spellcheck: 'false', placeholder: 'any'}),
    id: h('input', {name: 'id', value: p('id'), spellcheck: 'false', placeholder: 'any'}),
    result: select('result', [['', 'any'], 'ok', 'fail'], p('result')),
    status: select('status', [['', 'any'], ...STATUSES], p('status')),
    since: select('since', SINCE, p('since', '24h')),
    limit: h('input', {name: 'limit', type: 'number', min: 1, max: 1000, value: p('limit', '100')}),
  };
  const shown = kind === 'auth' ? ['user', 'ip', 'result', 'since', 'limit'] : ['user', 'id', 'status', 'since', 'limit'];
  const labels = {user: 'User', ip: 'Client IP', id: 'Queue id', result: 'Result', status: 'Status',
    since: 'Since', limit: 'At most'};
  const form = h('form', {class: 'card form-inline filters', id: 'log-filters'},
    shown.map((k) => field(labels[k], inputs[k])),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'btn btn-primary'}, 'Filter')));
  const filters = () => Object.fromEntries(shown.map((k) => [k, inputs[k].value.trim()]));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    // "any time" is an explicit empty since=, so that it is not taken for the 24h default.
    location.hash = '#/logs' + api.query({kind, ...filters()}) + (inputs.since.value ? '' : '&since=');
  });
  const tabs = h('div', {class: 'tabs'},
    h('a', {href: '#/logs?kind=auth', class: kind === 'auth' ? 'active' : null}, 'Auth log'),
    h('a', {href: '#/logs?kind=messages', class: kind === 'messages' ? 'active' : null}, 'Message log'));
  mount(root, pageHeader('Logs'), tabs, form);
  const events = await api.get(`/logs/${kind}`, filters());
  mount(root, h('p', {class: 'muted'}, `${events.length} event${events.length === 1 ? '' : 's'}, newest first.`),
    kind === 'auth' ? authTable(events) : messageTable(events));
}

// Overview: the last 24 hours per hour (GET /api/v1/stats/hourly), as inline SVG charts.
import * as api from '../api.js';
import {h, mount, pageHeader, select} from '../dom.js';
import {barChart, lineChart} from '../charts.js';

export const title = 'Overview';

const SERIES = [
  ['accepted', 'Accepted'],
  ['delivered', 'Delivered'],
  ['deferred', 'Deferred'],
  ['bounced', 'Bounced'],
  ['rejected', 'Rejected'],
  ['auth_failed', 'Failed logins'],
];

export async function render(root, {session, params}) {
  const account = params.get('account') || '';
  const controls = [];
  if (session.admin) {
    const accounts = await api.get('/accounts');
    const pick = select('account', [['', 'All accounts'], ...accounts.map((a) => a.name)], account);
    pick.addEventListener('change', () => {
      location.hash = '#/overview' + api.query({account: pick.value});
    });
    controls.push(h('label', {class: 'inline'}, 'Account ', pick));
  }
  const rows = await api.get('/stats/hourly', {hours: 24, account});
  mount(root, 
    pageHeader('Overview', ...controls),
    h('p', {class: 'lead'}, 'The last 24 hours, per hour (UTC)' +
      (account ? ` for account ${account}` : session.admin ? ', all accounts' : '') + '.'),
    lineChart(rows, SERIES.slice(0, 5), 'Messages per hour'),
    h('div', {class: 'charts'}, SERIES.map(([key, label]) => barChart(rows, key, label))));
}

// One SMTP user (#/users/<name>, #/users/<name>/edit): a "Why did this login fail?" panel over
// its recent auth attempts, the attempts themselves, its settings and the edit form.
import * as api from '../api.js';
import {h, mount, badge, fmtTime, notice, pageHeader, table} from '../dom.js';
import {hintText, nearestEntry, reasonText} from '../explain.js';
import {userForm} from './user_form.js';
import {quotaUse, statusBadges, userActions} from './user_actions.js';

export const title = 'SMTP user';

const ATTEMPTS = 50;

// Attempts worth explaining: failures, logins with the previous password, and logins that a
// report-only allow list would have refused. One card per reason (and per IP for IP refusals).
function explainable(events) {
  const groups = new Map();
  for (const e of events) {
    const reportOnly = e.result === 'ok' && e.enforced === false;
    if (e.result === 'ok' && e.reason !== 'previous_password' && !reportOnly) continue;
    const kind = reportOnly ? 'report_only' : e.reason;
    const key = kind === 'ip_not_allowed' || kind === 'report_only' ? `${kind} ${e.ip}` : kind;
    const g = groups.get(key);
    if (g) g.count += 1;
    else groups.set(key, {kind, latest: e, count: 1});  // events come newest first
  }
  return [...groups.values()];
}

function ipListed(u, ip) {
  return u.allow_ips.some((entry) => entry === ip || entry === `${ip}/32` || entry === `${ip}/128`);
}

function allowButton(u, ip, reload, status) {
  if (ipListed(u, ip)) return h('p', {class: 'done'}, `${ip} is on the allow list now.`);
  return h('button', {type: 'button', class: 'btn btn-primary allow-ip', onclick: async () => {
    try {
      await api.patch(`/smtp-users/${api.seg(u.username)}`, {allow_ips: [...u.allow_ips, ip]});
      await reload(`${ip} was added to the IP allow list of ${u.username}.`);
    } catch (err) {
      status.error(err);
    }
  }}, `Allow ${ip}`);
}

function whyCard(group, u, reload, status) {
  const e = group.latest;
  const text = group.kind === 'report_only' ? {
    title: 'Would be refused by the IP allow list (report-only mode)',
    what: 'The login was accepted because the allow list only reports, but this address is ' +
      'not on it: once the list is enforced, this client will be refused.',
    fix: 'Add the address to the allow list before switching the mode to enforce.',
  } : reasonText(group.kind);
  const facts = [
    ['When', fmtTime(e.time) + (group.count > 1 ? ` (and ${group.count - 1} more time${group.count > 2 ? 's' : ''})` : '')],
    ['Client IP', h('code', {class: 'client-ip'}, e.ip)],
    ['Reply', e.reply ? h('code', {}, e.reply) : null],
    ['Detail', e.detail ? h('span', {class: 'detail'}, e.detail) : null],
  ];
  const ipProblem = group.kind === 'ip_not_allowed' || group.kind === 'report_only';
  if (ipProblem) {
    facts.push(['Allow list', u.allow_ips.length ? u.allow_ips.join(', ') : 'empty (any IP)']);
    const nearest = nearestEntry(e.detail);
    if (nearest) facts.push(['Nearest allowed entry', h('code', {}, nearest)]);
  }
  if (group.kind === 'previous_password') {
    facts.push(['Old password valid until', fmtTime(u.previous_password_until, 'no longer valid')]);
  }
  return h('article', {class: 'why-card', 'data-reason': group.kind},
    h('h3', {}, text.title, ' ', h('code', {class: 'reason'}, group.kind === 'report_only' ? 'ip_not_allowed (report)' : group.kind)),
    h('p', {class: 'what'}, text.what),
    h('dl', {class: 'facts'}, facts.filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    (e.hints || []).length ? h('ul', {class: 'hints'}, e.hints.map((hint) =>
      h('li', {'data-hint': hint}, hintText(hint)))) : null,
    text.fix ? h('p', {class: 'fix'}, h('strong', {}, 'How to fix: '), text.fix) : null,
    ipProblem ? allowButton(u, e.ip, reload, status) : null);
}

function whyPanel(events, u, reload, status) {
  const groups = explainable(events);
  return h('section', {class: 'panel why', id: 'why'},
    h('h2', {}, 'Why did this login fail?'),
    groups.length
      ? groups.map((g) => whyCard(g, u, reload, status))
      : h('p', {class: 'empty'}, events.length
        ? `No failed logins among the last ${events.length} attempts.`
        : 'No login attempts yet.'));
}

function attemptsTable(events) {
  return table([
    {title: 'Time', class: 'time', cell: (e) => fmtTime(e.time)},
    {title: 'Client IP', cell: (e) => h('code', {}, e.ip)},
    {title: 'Result', cell: (e) => badge(e.result, e.result === 'ok' ? 'ok' : 'bad')},
    {title: 'Reason', cell: (e) => [h('code', {class: 'reason'}, e.reason),
      ...(e.hints || []).map((hint) => [' ', badge(hint, 'warn')])]},
    {title: 'Mechanism', cell: (e) => e.mechanism || '—'},
    {title: 'TLS', cell: (e) => e.tls || 'none'},
    {title: 'Reply', class: 'wrap', cell: (e) => h('code', {}, e.reply || '')},
  ], events, 'No login attempts yet.');
}

function settingsList(u) {
  const rows = [
    ['Account', `${u.account} (${u.account_status})`],
    ['Status', statusBadges(u)],
    ['IP allow list', u.allow_ips.length ? u.allow_ips.join(', ') : 'any source IP'],
    ['Allow-list mode', u.allow_ip_mode],
    ['Permission mode', u.mode],
    ['Domains', u.domains.length ? u.domains.join(', ') : '—'],
    ['Quota', u.quota ? `${u.quota} per ${u.quota_period}, then ${u.quota_action}` : 'unlimited'],
    ['Quota use', quotaUse(u)],
    ['Rate limit', u.rate || 'none'],
    ['Previous password valid until', fmtTime(u.previous_password_until)],
    ['Last login', fmtTime(u.last_login_at, 'never')],
    ['Created', fmtTime(u.created_at)],
    ['Updated', fmtTime(u.updated_at)],
    ['UUID', h('code', {}, u.uuid)],
  ];
  return h('dl', {class: 'facts settings'}, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export async function render(root, {parts}) {
  const name = parts[1];
  const status = notice();
  const secrets = h('div', {class: 'secrets'});
  const body = h('div');
  let editing = parts[2] === 'edit';

  async function reload(message) {
    const [u, events] = await Promise.all([
      api.get(`/smtp-users/${api.seg(name)}`),
      api.get('/logs/auth', {user: name, limit: ATTEMPTS}),
    ]);
    if (message) status.ok(message);
    const {form, values} = userForm(u, [], 'Save settings');
    form.id = 'edit-form';
    form.hidden = !editing;
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      status.clear();
      try {
        await api.patch(`/smtp-users/${api.seg(name)}`, values());
        editing = false;
        await reload(`The settings of ${name} were saved.`);
      } catch (err) {
        status.error(err);
      }
    });
    const actions = userActions(u, {
      onChange: (what) => {
        if (what === 'deleted') location.hash = '#/users';
        else reload(what === 'password' ? `The password of ${name} was reset.` : null).catch(status.error);
      },
      onError: status.error,
      showSecret: (node) => secrets.replaceChildren(node),
    });
    const refresh = h('button', {type: 'button', class: 'btn btn-small', id: 'refresh',
      onclick: () => reload().catch(status.error)}, 'Refresh');
    body.replaceChildren(
      pageHeader(u.username, statusBadges(u), actions),
      whyPanel(events, u, reload, status),
      h('section', {class: 'panel', id: 'attempts'},
        h('div', {class: 'panel-header'}, h('h2', {}, 'Recent auth attempts'), refresh),
        attemptsTable(events)),
      h('section', {class: 'panel', id: 'settings'},
        h('div', {class: 'panel-header'}, h('h2', {}, 'Settings'),
          h('button', {type: 'button', class: 'btn btn-small', id: 'edit-settings', onclick: () => {
            editing = !editing;
            form.hidden = !editing;
          }}, 'Edit settings')),
        settingsList(u), form));
  }

  mount(root, h('p', {class: 'crumbs'}, h('a', {href: '#/users'}, '← Outbound → SMTP users')),
    status.el, secrets, body);
  await reload();
  if (editing) document.getElementById('edit-form')?.scrollIntoView();
}

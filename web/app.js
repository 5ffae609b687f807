// The dashboard: a hash router over views/*.js, the session (who is logged in) and the shell
// (navigation, logout). Routes: #/overview, #/users, #/users/<name>[/edit], #/domains,
// #/logs, #/suppressions, #/webhooks[/<id>], #/apikeys. Query parameters after "?" in the hash
// (#/logs?kind=auth&user=x) are handed to the view.
import * as api from './api.js';
import {h} from './dom.js';
import * as loginView from './views/login.js';
import * as overview from './views/overview.js';
import * as users from './views/users.js';
import * as user from './views/user.js';
import * as domains from './views/domains.js';
import * as logs from './views/logs.js';
import * as suppressions from './views/suppressions.js';
import * as webhooks from './views/webhooks.js';
import * as apikeys from './views/apikeys.js';

const NAV = [
  ['overview', 'Overview'],
  ['users', 'Outbound → SMTP users'],
  ['domains', 'Domains'],
  ['logs', 'Logs'],
  ['suppressions', 'Suppressions'],
  ['webhooks', 'Webhooks'],
  ['apikeys', 'API keys'],
];

const state = {session: null};

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, q] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return {parts, params: new URLSearchParams(q || '')};
}

function viewFor(parts) {
  switch (parts[0]) {
    case 'users': return parts.length > 1 ? user : users;
    case 'domains': return domains;
    case 'logs': return logs;
    case 'suppressions': return suppressions;
    case 'webhooks': return webhooks;
    case 'apikeys': return apikeys;
    default: return overview;
  }
}

function renderShell(active) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(...NAV.map(([route, title]) =>
    h('a', {href: '#/' + route, class: route === active ? 'active' : null}, title)));
  nav.hidden = !state.session;
  const who = document.getElementById('who');
  if (!state.session) {
    who.replaceChildren();
    return;
  }
  const s = state.session;
  who.replaceChildren(
    h('span', {class: 'who-name', title: 'API key name'}, s.name),
    h('span', {class: 'who-scope'}, s.admin ? 'admin' : 'account ' + s.account),
    h('button', {type: 'button', class: 'btn btn-quiet', id: 'logout', onclick: async () => {
      try { await api.logout(); } catch { /* the session is gone either way */ }
      state.session = null;
      route();
    }}, 'Log out'));
}

let generation = 0;

async function route() {
  const mine = ++generation;
  const main = document.getElementById('main');
  // Each page renders into a fresh element: a slow answer for a page already left lands in a
  // detached node and is never seen.
  const root = h('section', {class: 'page'});
  main.replaceChildren(root);
  // data-state (loading | ready | error) on <main> tells tests and tools when a page is done.
  const settle = (state) => { if (mine === generation) main.dataset.state = state; };
  main.dataset.state = 'loading';
  const ctx = {session: state.session, refresh: route};
  if (!state.session) {
    renderShell(null);
    document.title = 'Log in · Postern';
    loginView.render(root, {
      onLogin: (session) => {
        state.session = session;
        if (!location.hash || location.hash === '#/login') location.hash = '#/overview';
        else route();
      },
    });
    settle('ready');
    return;
  }
  const {parts, params} = parseHash();
  const view = viewFor(parts);
  renderShell(parts[0] === 'users' ? 'users' : (parts[0] || 'overview'));
  document.title = (view.title || 'Postern') + ' · Postern';
  try {
    await view.render(root, {...ctx, parts, params});
    settle('ready');
  } catch (err) {
    if (mine !== generation || err.status === 401) return;
    root.append(h('div', {class: 'notice notice-error'}, 'Could not load this page: ' + err.message));
    settle('error');
  }
}

api.setUnauthorizedHandler(() => {
  if (state.session) {
    state.session = null;
    route();
  }
});

window.addEventListener('hashchange', route);

async function start() {
  try {
    state.session = await api.currentSession();
  } catch (err) {
    document.getElementById('main').replaceChildren(
      h('div', {class: 'notice notice-error'}, 'The API did not answer: ' + err.message));
    return;
  }
  route();
}

start();

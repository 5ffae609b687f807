// The actions on one SMTP user, shared by the list (users.js) and the user page (user.js):
// reset password (with a grace period), disable/enable, delete — each behind a confirmation.
import * as api from '../api.js';
import {h, badge, confirmAction, field, secretBox, select} from '../dom.js';

export function statusBadges(u) {
  return [
    badge(u.status, u.status === 'active' ? 'ok' : 'bad'),
    u.account_status === 'suspended' ? badge('account suspended', 'bad') : null,
  ];
}

export function quotaUse(u) {
  const used = Number(u.quota_used ?? 0);
  if (!u.quota) return h('span', {class: 'quota'}, `${used} sent · no quota`);
  return h('span', {class: 'quota'},
    h('meter', {min: 0, max: u.quota, value: Math.min(used, u.quota), low: u.quota * 0.8,
      high: u.quota * 0.95, optimum: 0}),
    ` ${used} / ${u.quota} per ${u.quota_period}`);
}

// Resolves to {password?, previous_password_until} or null when cancelled.
function resetDialog(u) {
  return new Promise((resolve) => {
    const password = h('input', {type: 'password', name: 'new-password', autocomplete: 'new-password',
      placeholder: 'leave empty to generate one'});
    const grace = select('grace', [['', 'none: the old password stops at once'],
      ['1h', '1 hour'], ['24h', '24 hours'], ['7d', '7 days']], '24h');
    const error = h('p', {class: 'notice notice-error', hidden: true});
    const dialog = h('dialog', {class: 'confirm'});
    const form = h('form', {class: 'form-grid'},
      h('h3', {}, `Reset the password of ${u.username}`),
      field('New password', password, 'Empty: Postern generates one and shows it once.'),
      field('Grace period', grace, 'How long the previous password keeps working, so clients can be updated.'),
      error,
      h('div', {class: 'actions'},
        h('button', {type: 'button', class: 'btn btn-quiet', onclick: () => dialog.close()}, 'Cancel'),
        h('button', {type: 'submit', class: 'btn btn-danger'}, 'Reset password')));
    let result = null;
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {};
      if (password.value) body.password = password.value;
      if (grace.value) body.grace = grace.value;
      try {
        result = await api.post(`/smtp-users/${api.seg(u.username)}/password`, body);
        dialog.close();
      } catch (err) {
        error.textContent = err.message;
        error.hidden = false;
      }
    });
    dialog.append(form);
    dialog.addEventListener('close', () => { dialog.remove(); resolve(result); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// Buttons for user u. onChange(what) after a change: "deleted", "status", or "password";
// secrets go to showSecret(node).
export function userActions(u, {onChange, onError, showSecret}) {
  const run = (fn) => async () => {
    try { await fn(); } catch (err) { onError(err); }
  };
  const enabled = u.status === 'active';
  return h('span', {class: 'row-actions'},
    h('button', {type: 'button', class: 'btn btn-small', onclick: run(async () => {
      const r = await resetDialog(u);
      if (!r) return;
      if (r.password) {
        showSecret(secretBox(`New password for ${u.username}`, r.password,
          'Shown only this once: copy it into the client now. If it is lost, reset the password again.'));
      }
      onChange('password', r);
    })}, 'Reset password'),
    h('button', {type: 'button', class: 'btn btn-small', onclick: run(async () => {
      const question = enabled
        ? `Disable ${u.username}? It cannot log in until it is enabled again; open sessions stop at their next command.`
        : `Enable ${u.username}? It can log in again at once.`;
      if (!await confirmAction(question, enabled ? 'Disable' : 'Enable', enabled)) return;
      await api.patch(`/smtp-users/${api.seg(u.username)}`, {status: enabled ? 'disabled' : 'active'});
      onChange('status');
    })}, enabled ? 'Disable' : 'Enable'),
    h('button', {type: 'button', class: 'btn btn-small btn-danger', onclick: run(async () => {
      if (!await confirmAction(`Delete ${u.username}? It cannot log in any more; this cannot be undone.`,
        'Delete')) return;
      await api.del(`/smtp-users/${api.seg(u.username)}`);
      onChange('deleted');
    })}, 'Delete'));
}

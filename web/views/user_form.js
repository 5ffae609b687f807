// The SMTP-user settings form, shared by "create" (users.js) and "edit" (user.js). It reads
// and writes the fields of POST/PATCH /api/v1/smtp-users (docs/api.md).
import {h, field, select, splitList} from '../dom.js';

// user: the current settings (edit) or null (create); accounts: names for the account choice.
export function userForm(user, accounts, submitLabel) {
  const creating = !user;
  const u = user || {allow_ips: [], allow_ip_mode: 'enforce', mode: 'assigned', domains: [],
    quota: 0, quota_period: 'day', quota_action: 'tempfail', rate: ''};
  const inputs = {
    account: creating ? select('account', accounts, accounts[0]) : null,
    username: creating ? h('input', {name: 'username', required: true, autocomplete: 'off',
      spellcheck: 'false', placeholder: 'crm-mailer'}) : null,
    password: creating ? h('input', {name: 'password', type: 'password', autocomplete: 'new-password',
      placeholder: 'leave empty to generate one'}) : null,
    allow_ips: h('textarea', {name: 'allow_ips', rows: 3, spellcheck: 'false',
      placeholder: '203.0.113.0/24\n2001:db8::/32'}, u.allow_ips.join('\n')),
    allow_ip_mode: select('allow_ip_mode',
      [['enforce', 'enforce (refuse other IPs)'], ['report', 'report only (log, do not refuse)']],
      u.allow_ip_mode),
    mode: select('mode', [['assigned', 'assigned domains only'],
      ['account', "any of the account's domains"], ['any', 'any sender']], u.mode),
    domains: h('input', {name: 'domains', spellcheck: 'false', value: u.domains.join(', '),
      placeholder: 'example.com, mail.example.com'}),
    quota: h('input', {name: 'quota', type: 'number', min: 0, step: 1, value: String(u.quota)}),
    quota_period: select('quota_period', ['day', 'month', 'total'], u.quota_period),
    quota_action: select('quota_action',
      [['tempfail', 'tempfail (4xx, retry later)'], ['reject', 'reject (5xx)']], u.quota_action),
    rate: h('input', {name: 'rate', spellcheck: 'false', value: u.rate || '',
      placeholder: 'e.g. 100/m or 5000/h; empty = no limit'}),
  };
  const form = h('form', {class: 'card form-grid user-form'},
    creating ? [
      field('Account', inputs.account),
      field('Username', inputs.username, 'Not an email address: a name for the app, like crm-mailer.'),
      field('Password', inputs.password, '8 characters or more. Empty: Postern generates a strong one and shows it once.'),
    ] : null,
    field('IP allow list', inputs.allow_ips, 'One address or CIDR range per line. Empty: any source IP.'),
    field('Allow-list mode', inputs.allow_ip_mode),
    field('Permission mode', inputs.mode, 'Which sender domains this user may use in MAIL FROM and From:.'),
    field('Domains', inputs.domains, 'The assigned domains, separated by commas or spaces.'),
    field('Quota', inputs.quota, 'Messages per period; 0 = unlimited.'),
    field('Quota period', inputs.quota_period),
    field('When over quota', inputs.quota_action),
    field('Rate limit', inputs.rate),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'btn btn-primary'}, submitLabel)));

  // The request body: every setting; on create also account, username and a typed password.
  function values() {
    const body = {
      allow_ips: splitList(inputs.allow_ips.value),
      allow_ip_mode: inputs.allow_ip_mode.value,
      mode: inputs.mode.value,
      domains: splitList(inputs.domains.value),
      quota: Number.parseInt(inputs.quota.value || '0', 10),
      quota_period: inputs.quota_period.value,
      quota_action: inputs.quota_action.value,
      rate: inputs.rate.value.trim(),
    };
    if (creating) {
      body.account = inputs.account.value;
      body.username = inputs.username.value.trim();
      if (inputs.password.value) body.password = inputs.password.value;
      if (!body.rate) delete body.rate;
    }
    return body;
  }
  return {form, values, inputs};
}

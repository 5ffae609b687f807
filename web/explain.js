// "Why did this login fail?": every reason and hint of the auth log (interface.md "Auth log")
// in plain language, with the fix. Pure data and text; the user page lays it out.

export const REASONS = {
  ok: {
    title: 'Logged in',
    what: 'The username, password and source IP were all accepted.',
    fix: '',
  },
  previous_password: {
    title: 'Logged in with the previous password',
    what: 'The password was reset with a grace period, and this client still uses the old ' +
      'password. It keeps working only until the grace period ends.',
    fix: 'Put the new password into this client before the grace period ends.',
  },
  unknown_user: {
    title: 'No SMTP user has this username',
    what: 'The client sent a username that does not exist (or no longer exists under this name).',
    fix: 'Check the username configured in the client against Outbound → SMTP users. It must be ' +
      'the SMTP username (like crm-mailer), not an email address or an account name.',
  },
  bad_password: {
    title: 'Wrong password',
    what: 'The user exists, but the password does not match its current password (nor a ' +
      'previous one still in its grace period).',
    fix: 'Copy the password into the client again, without spaces around it. If nobody has it ' +
      'any more, reset the password and put the new one into the client.',
  },
  stale_password: {
    title: 'An old password whose grace period has ended',
    what: 'The client sent the previous password of this user. It was accepted for a grace ' +
      'period after the last reset, and that period is over.',
    fix: 'Put the current password into the client. If it is lost, reset the password (with a ' +
      'grace period, so that other clients keep working while you update them).',
  },
  user_disabled: {
    title: 'The user is disabled',
    what: 'The password was not checked: this SMTP user is disabled, so it cannot log in.',
    fix: 'If the user should send mail again, enable it (button "Enable" above).',
  },
  user_deleted: {
    title: 'The user was deleted',
    what: 'This SMTP user has been deleted; deleted users can never log in again.',
    fix: 'Create a new SMTP user for this client and configure its new username and password.',
  },
  account_suspended: {
    title: "The user's account is suspended",
    what: 'Every SMTP user of a suspended account is refused, whatever its password.',
    fix: 'An administrator must resume the account (postern account resume NAME, or POST ' +
      '/api/v1/accounts/NAME/resume) once the reason for the suspension is resolved.',
  },
  ip_not_allowed: {
    title: 'The client connected from an IP address that is not allowed',
    what: "The username and password were right, but the connection came from an address that " +
      "is not on the user's IP allow list, so the login was refused (535 5.7.1).",
    fix: 'If this address is legitimate, add it (or its range) to the IP allow list. If it is ' +
      'not, someone else has this password: reset it.',
  },
  mechanism_unsupported: {
    title: 'Unsupported login method',
    what: 'The client asked for a SASL mechanism that Postern does not offer (only PLAIN and ' +
      'LOGIN are supported).',
    fix: 'Set the client to use AUTH PLAIN or AUTH LOGIN (often called "normal password").',
  },
  tls_required: {
    title: 'Login attempted without encryption',
    what: 'The client tried to log in before starting TLS. Postern never accepts a password ' +
      'over an unencrypted connection.',
    fix: 'Turn on STARTTLS in the client, or use implicit TLS ("SSL/TLS", usually port 465).',
  },
  malformed: {
    title: 'The login data could not be decoded',
    what: 'The AUTH exchange was not valid base64 or not in the format of the mechanism.',
    fix: 'This usually means a broken or misconfigured client library. Update it, or try AUTH ' +
      'PLAIN instead of LOGIN (or the reverse).',
  },
  cancelled: {
    title: 'The client cancelled the login',
    what: 'The client sent "*" in the middle of the AUTH exchange, which aborts it.',
    fix: 'Usually harmless; if it repeats, the client probably has no password configured.',
  },
  throttled: {
    title: 'Too many failed logins: temporarily blocked',
    what: 'This IP address (or this username) failed to log in too often within a short ' +
      'window, so Postern answers 454 without checking the password.',
    fix: 'Fix the failing client first (see its earlier failures), then wait for the window ' +
      'to pass; the block lifts by itself.',
  },
  internal_error: {
    title: 'An internal error on the server',
    what: 'Postern could not check the login (for example, its store did not answer) and ' +
      'asked the client to try again later.',
    fix: 'Clients retry by themselves. If it persists, look at the server log and /healthz.',
  },
};

export const HINTS = {
  username_has_at: 'SMTP usernames are not email addresses. The client sent a username with ' +
    'an "@" in it, probably the sender address or a mailbox login. Configure the SMTP ' +
    'username shown in Outbound → SMTP users instead (like crm-mailer).',
  leading_whitespace: 'The password started with a space or a tab. This usually comes from ' +
    'copying and pasting it: remove the blank at the start of the password in the client.',
  trailing_whitespace: 'The password ended with a space, a tab or a line break. This usually ' +
    'comes from copying and pasting it: remove the blank at the end of the password in the client.',
};

export function reasonText(reason) {
  return REASONS[reason] || {
    title: `Refused (${reason})`,
    what: 'Postern refused this login for a reason this dashboard does not know yet.',
    fix: 'Look at the reply and the detail of the attempt, and at the server log.',
  };
}

export function hintText(hint) {
  return HINTS[hint] || `Hint: ${hint}.`;
}

// "IP 127.0.0.1 is not on the allow list; nearest allowed entry 10.0.0.0/8" -> "10.0.0.0/8".
export function nearestEntry(detail) {
  const m = /nearest allowed entry (\S+)/.exec(detail || '');
  return m ? m[1] : null;
}

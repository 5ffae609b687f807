// Browser end-to-end test of the dashboard (issue 5, "done when"): playwright-core drives
// Debian's headless chromium against a real `postern serve` started by launch_relay.py.
//
// It logs in with an admin key, creates an SMTP user in the dashboard and reads its one-time
// password from the page, restricts the user to 10.0.0.0/8 in the edit form, makes swaks log
// in from 127.0.0.1 (outside the range) and expects "535 5.7.1", then finds that attempt on the
// user's page with reason ip_not_allowed, its plain-language explanation and the client IP.
// It also checks that the password is never shown again, that "Allow <ip>" lets the same
// login through, that logout ends the session, and that the pages raise no CSP violation or
// script error. With POSTERN_SCREENSHOTS=1 it saves screenshots of the main pages to docs/img/.
//
// Environment: POSTERN_BIN (the binary; default build/postern), POSTERN_NODE_DIR (where
// node_modules is installed from package-lock.json with `npm ci`; default: this folder; ctest
// uses the build directory so the source tree stays clean), CHROMIUM (default
// /usr/bin/chromium), POSTERN_SCREENSHOTS=1.
import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import {fileURLToPath} from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const SHOTS = process.env.POSTERN_SCREENSHOTS === '1' ? path.join(ROOT, 'docs', 'img') : null;
const ACCOUNT = 'acme';
const DOMAIN = 'acme.example';
const USERNAME = 'crm-mailer';
const RANGE = '10.0.0.0/8';

class TestFailure extends Error {}

function check(condition, message) {
  if (!condition) throw new TestFailure(message);
}

function step(text) {
  console.log(`-- ${text}`);
}

// node_modules from the committed lockfile, installed once per lockfile content.
function playwright() {
  const dir = path.resolve(process.env.POSTERN_NODE_DIR || HERE);
  const lock = fs.readFileSync(path.join(HERE, 'package-lock.json'));
  const digest = createHash('sha256').update(lock).digest('hex');
  const stamp = path.join(dir, 'node_modules', '.postern-lockfile-sha256');
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== digest) {
    fs.mkdirSync(dir, {recursive: true});
    if (dir !== HERE) {
      for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(HERE, f), path.join(dir, f));
    }
    step(`npm ci in ${dir}`);
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {cwd: dir, stdio: 'inherit'});
    check(r.status === 0, `npm ci failed in ${dir} (exit ${r.status}): is the npm registry reachable?`);
    fs.writeFileSync(stamp, digest);
  }
  return createRequire(path.join(dir, 'package.json'))('playwright-core');
}

// The relay: tests/browser/launch_relay.py prints one JSON line once the server listens.
function startRelay() {
  const env = {...process.env};
  if (!env.POSTERN_BIN) env.POSTERN_BIN = path.join(ROOT, 'build', 'postern');
  const proc = spawn('/usr/bin/python3', [path.join(HERE, 'launch_relay.py')], {
    env, stdio: ['pipe', 'pipe', 'inherit']});
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({input: proc.stdout});
    const timer = setTimeout(() => reject(new TestFailure('the relay did not start within 60 s')), 60000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve({proc, ...JSON.parse(line)});
      } catch {
        reject(new TestFailure(`launch_relay.py printed no JSON: ${line}`));
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new TestFailure(`launch_relay.py exited (${code}) before the relay listened`));
    });
  });
}

async function apiCall(relay, method, route, body) {
  const res = await fetch(relay.http_url + '/api/v1' + route, {
    method,
    headers: {Authorization: 'Bearer ' + relay.admin_key, 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {status: res.status, body: text ? JSON.parse(text) : null};
}

// An SMTP login with swaks over STARTTLS from 127.0.0.1 (then a message, unless quitAfter is
// "AUTH"); returns swaks's whole transcript.
function swaksLogin(relay, password, quitAfter = 'AUTH', username = USERNAME) {
  const args = ['--server', '127.0.0.1', '--port', String(relay.ports.starttls), '--tls',
    '--auth', 'PLAIN', `--auth-user=${username}`, `--auth-password=${password}`,
    '--from', `app@${DOMAIN}`, '--to', 'bob@example.org', '--timeout', '30', '--ehlo', 'client.test'];
  if (quitAfter) args.push('--quit-after', quitAfter);
  const r = spawnSync('swaks', args, {encoding: 'utf8', timeout: 60000});
  return `${r.stdout || ''}${r.stderr || ''}`;
}

async function shot(page, name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, {recursive: true});
  await page.screenshot({path: path.join(SHOTS, name + '.png'), fullPage: true});
  console.log(`   screenshot docs/img/${name}.png`);
}

// Opens #/<hash> and waits until the page has loaded its data (app.js sets data-state on
// <main>); a page that could not load fails the test with its message.
async function go(page, relay, hash) {
  const url = `${relay.http_url}/#/${hash}`;
  if (page.url() === url) {
    await page.reload();  // the same URL again would not even fire hashchange
  } else {
    await page.evaluate(() => { const m = document.getElementById('main'); if (m) m.dataset.state = 'stale'; });
    await page.goto(url);
  }
  await page.waitForSelector('#main[data-state="ready"], #main[data-state="error"]');
  if (await page.getAttribute('#main', 'data-state') === 'error') {
    throw new TestFailure(`#/${hash} did not load: ${await page.textContent('#main .notice-error')}`);
  }
}

// Logs out if needed, then logs in with `key` on the login page.
async function login(page, relay, key) {
  if (await page.locator('#logout').count()) {
    await page.click('#logout');
  } else if (!page.url().startsWith(relay.http_url)) {
    await page.goto(relay.http_url + '/');
  }
  await page.waitForSelector('#login-form');
  await page.fill('#login-key', key);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#who .who-scope');
  await page.waitForSelector('#main[data-state="ready"]');
}

// Opens #/<hash> until ready() holds: the auth log reaches the store in batches (<= 100 ms).
async function goUntil(page, relay, hash, ready, what, seconds = 15) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    await go(page, relay, hash);
    if (await ready()) return;
    check(Date.now() < deadline, `${what} did not appear within ${seconds} s`);
    await page.waitForTimeout(250);
  }
}

// The scenario, in order. Each part gets the shared state t = {relay, context, page, ...}.
async function servedByPostern(t) {
  const {relay} = t;
  step('the dashboard and its assets are served by postern');
  const index = await fetch(relay.http_url + '/');
  check(index.status === 200, `GET / answered ${index.status}`);
  check((index.headers.get('content-type') || '').startsWith('text/html'), 'GET / is not HTML');
  check((index.headers.get('content-security-policy') || '').includes("default-src 'self'"),
    `GET / has no CSP "default-src 'self'": ${index.headers.get('content-security-policy')}`);
  const js = await fetch(relay.http_url + '/assets/app.js');
  check(js.status === 200 && (js.headers.get('content-type') || '').includes('javascript'),
    `GET /assets/app.js answered ${js.status} ${js.headers.get('content-type')}`);
}

async function anAccount(t) {
  const {relay} = t;
  step('an account to work in (API)');
  const acct = await apiCall(relay, 'POST', '/accounts', {name: ACCOUNT});
  check(acct.status === 201, `POST /accounts answered ${acct.status} ${JSON.stringify(acct.body)}`);
}

async function logIn(t) {
  const {relay, context, page} = t;
  step('login: a wrong key is refused, the admin key logs in');
  await page.goto(relay.http_url + '/');
  await page.waitForSelector('#login-form');
  await shot(page, 'login');
  await page.fill('#login-key', 'pk_' + 'x'.repeat(43));
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#login-form .notice-error:not([hidden])');
  await login(page, relay, relay.admin_key);
  check(await page.textContent('#who .who-scope') === 'admin', 'the header does not say "admin"');
  const cookie = (await context.cookies()).find((c) => c.name === 'postern_session');
  check(cookie && cookie.httpOnly && cookie.sameSite === 'Strict',
    `the session cookie is not HttpOnly and SameSite=Strict: ${JSON.stringify(cookie && {...cookie, value: '…'})}`);
  const withoutToken = await fetch(relay.http_url + '/api/v1/accounts', {method: 'POST',
    headers: {'Content-Type': 'application/json', Cookie: `postern_session=${cookie.value}`},
    body: '{"name":"csrf-probe"}'});
  check(withoutToken.status === 403,
    `a POST with the cookie but without X-CSRF-Token answered ${withoutToken.status}, not 403`);
  await page.waitForSelector('figure.chart[data-series="auth_failed"]');
  check(await page.locator('figure.chart').count() === 7, 'the overview does not show 7 charts');
}

async function addDomain(t) {
  const {relay, page} = t;
  step('domains: add one in the dashboard; the records to publish are shown');
  await go(page, relay, 'domains');
  await page.selectOption('#add-domain select[name=account]', ACCOUNT);
  await page.fill('#add-domain input[name=domain]', DOMAIN);
  await page.click('#add-domain button[type=submit]');
  await page.waitForSelector(`article.domain[data-domain="${DOMAIN}"]`);
  const added = await page.textContent('.added');
  for (const kind of ['DKIM', 'SPF', 'DMARC']) check(added.includes(kind), `no ${kind} record to publish`);
  check(added.includes(`_dmarc.${DOMAIN}`), 'the DMARC record name is missing');
  // Nothing is published for acme.example, so each record must come back as not found.
  const domainCard = page.locator(`article.domain[data-domain="${DOMAIN}"]`);
  await domainCard.locator('button:text("Verify")').click();
  await page.waitForSelector('.report, .notice-error:not([hidden])', {timeout: 60000});
  check(await page.locator('.notice-error:not([hidden])').count() === 0,
    `verify failed: ${await page.locator('.notice-error').allTextContents()}`);
  const checks = await domainCard.locator('.report tbody tr').allTextContents();
  check(checks.length === 4 && checks.every((row) => !/\bok\b/.test(row)),
    `verify should report SPF, 2 DKIM selectors and DMARC, none ok: ${checks}`);
}

async function createUser(t) {
  const {relay, page} = t;
  step('SMTP users: create one; the generated password is shown once');
  await go(page, relay, 'users');
  await page.click('#new-user');
  await page.selectOption('.user-form select[name=account]', ACCOUNT);
  await page.fill('.user-form input[name=username]', USERNAME);
  await page.fill('.user-form input[name=domains]', DOMAIN);
  await page.click('.user-form button[type=submit]');
  await page.waitForSelector('.secret-box .secret-value');
  const password = (await page.textContent('.secret-box .secret-value')).trim();
  t.password = password;
  check(password.length >= 12, `the generated password looks wrong (${password.length} characters)`);
  check((await page.textContent('.secret-box')).includes('only once'), 'no "shown only once" warning');
  await page.waitForSelector(`a.user-link:text-is("${USERNAME}")`);
  await shot(page, 'user-created');  // a throw-away password of a temporary relay
}

async function passwordShownOnce(t) {
  const {relay, page, password} = t;
  step('the password is not shown again after a reload, nor on the user page');
  await page.reload();
  await page.waitForSelector(`a.user-link:text-is("${USERNAME}")`);
  check(await page.locator('.secret-value').count() === 0, 'a secret box is still shown after reload');
  check(!(await page.content()).includes(password), 'the password is still in the page after reload');
  await shot(page, 'users');
  const shown = await apiCall(relay, 'GET', `/smtp-users/${USERNAME}`);
  check(shown.status === 200 && !JSON.stringify(shown.body).includes(password) && !('password' in shown.body),
    'GET /smtp-users/{name} returns the password');
}

async function restrictToRange(t) {
  const {relay, page, password} = t;
  step(`edit: restrict the user to ${RANGE}`);
  await go(page, relay, `users/${USERNAME}/edit`);
  await page.waitForSelector('#edit-form:not([hidden])');
  await page.fill('#edit-form textarea[name=allow_ips]', RANGE);
  await page.click('#edit-form button[type=submit]');
  await page.waitForSelector('.notice-ok:has-text("were saved")');
  check((await page.textContent('#settings dl')).includes(RANGE), `the settings do not show ${RANGE}`);
  check(!(await page.content()).includes(password), 'the password appears on the user page');
}

async function wrongLogins(t) {
  const {relay, password} = t;
  step('swaks with a pasted trailing space and with an email address as username: 535 5.7.8');
  const pasted = swaksLogin(relay, password + ' ');
  check(pasted.includes('535 5.7.8'), `a wrong password did not get "535 5.7.8":\n${pasted}`);
  const email = swaksLogin(relay, password, 'AUTH', `${USERNAME}@${DOMAIN}`);
  check(email.includes('535 5.7.8'), `an email address as username did not get "535 5.7.8":\n${email}`);
}

async function loginOutsideRange(t) {
  const {relay, password} = t;
  step('swaks from 127.0.0.1 (outside the range): 535 5.7.1');
  const refused = swaksLogin(relay, password);
  check(refused.includes('535 5.7.1'), `swaks did not get "535 5.7.1":\n${refused}`);
}

async function explainFailure(t) {
  const {relay, page} = t;
  step('the attempt appears on the user page with reason ip_not_allowed and its explanation');
  const card = page.locator('.why-card[data-reason="ip_not_allowed"]');
  await goUntil(page, relay, `users/${USERNAME}`, async () => await card.count() > 0,
    'the failed login on the user page');
  const cardText = await card.textContent();
  check(cardText.includes('ip_not_allowed'), 'the card does not name the reason ip_not_allowed');
  check(cardText.includes('not on the user\'s IP allow list'), `the card lacks the explanation:\n${cardText}`);
  check(cardText.includes('How to fix'), 'the card lacks the fix');
  check(await card.locator('.client-ip').textContent() === '127.0.0.1', 'the card does not show the client IP 127.0.0.1');
  check(cardText.includes('535 5.7.1'), 'the card does not show the reply');
  check(cardText.includes(RANGE), `the card does not show the nearest allowed entry ${RANGE}`);
  const hint = page.locator('.why-card[data-reason="bad_password"] li[data-hint="trailing_whitespace"]');
  check(await hint.count() === 1, 'the wrong password has no trailing_whitespace explanation');
  check((await hint.textContent()).includes('ended with a space'), 'the trailing_whitespace hint is not explained');
  const row = page.locator('#attempts tbody tr', {hasText: 'ip_not_allowed'});
  check(await row.count() >= 1, 'the attempts table has no ip_not_allowed row');
  check((await row.first().textContent()).includes('127.0.0.1'), 'the attempts row does not show 127.0.0.1');
  await shot(page, 'user-login-failure');
}

async function allowAndLogIn(t) {
  const {relay, page, password} = t;
  step('"Allow 127.0.0.1" adds the address; the same login then succeeds');
  const card = page.locator('.why-card[data-reason="ip_not_allowed"]');
  await card.locator('button.allow-ip').click();
  await page.waitForSelector('.notice-ok:has-text("was added to the IP allow list")');
  check((await page.textContent('#settings dl')).includes('127.0.0.1/32'), 'the allow list lacks 127.0.0.1/32');
  const accepted = swaksLogin(relay, password, null);
  check(/235 2\.7\.0/.test(accepted), `swaks was not let in after "Allow 127.0.0.1":\n${accepted}`);
}

async function authLog(t) {
  const {relay, page} = t;
  step('logs: the auth log filtered by user, then by result');
  const reasons = page.locator('table.grid tbody code.reason');
  await goUntil(page, relay, `logs?kind=auth&user=${USERNAME}`,
    async () => (await reasons.allTextContents()).includes('ok'), 'the successful login in the auth log');
  const logged = await reasons.allTextContents();
  check(logged.join() === 'ok,ip_not_allowed,bad_password',
    `the auth log of ${USERNAME} should hold ok, ip_not_allowed, bad_password (newest first): ${logged}`);
  await go(page, relay, 'logs?kind=auth&result=fail');
  const failures = await page.textContent('table.grid');
  check(failures.includes('unknown_user') && failures.includes('username_has_at') && !failures.includes('235 '),
    'the auth log filtered on failures is wrong');
}

async function messageLog(t) {
  const {relay, page} = t;
  step('logs: the message log shows the message accepted after the fix');
  await goUntil(page, relay, `logs?kind=messages&user=${USERNAME}`,
    async () => (await page.locator('table.grid tbody td:nth-child(4)').allTextContents()).includes('accepted'),
    'the accepted message in the message log');
  await go(page, relay, 'logs?kind=auth');
  await shot(page, 'logs');
}

async function screens(t) {
  const {relay, page} = t;
  step('screens: domains and overview');
  await go(page, relay, 'domains');
  const domainCard = page.locator(`article.domain[data-domain="${DOMAIN}"]`);
  await domainCard.locator('button:text("Records")').click();
  await domainCard.locator('button:text("Verify")').click();
  await domainCard.locator('.report').waitFor();
  await shot(page, 'domains');
  await go(page, relay, 'overview');
  await page.waitForSelector('figure.chart[data-series="auth_failed"]');
  check((await page.textContent('figure.chart[data-series="auth_failed"] .chart-total')) === '3',
    'the overview does not count the three failed logins');
  check((await page.textContent('figure.chart[data-series="accepted"] .chart-total')) === '1',
    'the overview does not count the one accepted message');
  await shot(page, 'overview');
}

async function userActions(t) {
  const {relay, page, password} = t;
  step('user actions: reset the password (shown once), disable and enable behind confirmations');
  await go(page, relay, `users/${USERNAME}`);
  await page.click('.page-header button:text("Reset password")');
  await page.selectOption('dialog.confirm select[name=grace]', '1h');
  await page.click('dialog.confirm button[type=submit]');
  await page.waitForSelector('.secret-box .secret-value');
  const newPassword = (await page.textContent('.secret-box .secret-value')).trim();
  check(newPassword && newPassword !== password, 'the reset did not show a new password');
  await page.waitForSelector('.notice-ok:has-text("was reset")');
  const until = await page.textContent('#settings dt:text-is("Previous password valid until") + dd');
  check(until.endsWith('UTC'), `the grace period is not shown: ${until}`);
  check(/235 2\.7\.0/.test(swaksLogin(relay, newPassword)), 'the new password does not log in');
  check(/235 2\.7\.0/.test(swaksLogin(relay, password)), 'the old password does not work within its grace period');
  await page.click('.page-header button:text("Disable")');
  await page.click('dialog.confirm button:text("Cancel")');
  check(await page.locator('.page-header .badge-bad').count() === 0, 'cancelling the confirmation still disabled the user');
  await page.click('.page-header button:text("Disable")');
  await page.click('dialog.confirm button:text("Disable")');
  await page.waitForSelector('.page-header .badge:text-is("disabled")');
  check(swaksLogin(relay, newPassword).includes('535 5.7.8'), 'a disabled user can still log in');
  await page.click('.page-header button:text("Enable")');
  await page.click('dialog.confirm button:text("Enable")');
  await page.waitForSelector('.page-header .badge:text-is("active")');
}

async function otherPages(t) {
  const {relay, page} = t;
  step('suppressions, webhooks and API keys: create, secrets shown once, remove');
  await go(page, relay, `suppressions?account=${ACCOUNT}`);
  await page.fill('#add-suppression input[name=address]', 'gone@example.org');
  await page.click('#add-suppression button[type=submit]');
  await page.waitForSelector('td code:text-is("gone@example.org")');
  await page.click('tr:has-text("gone@example.org") button:text("Remove")');
  await page.click('dialog.confirm button:text("Remove")');
  await page.waitForSelector('.notice-ok:has-text("was removed")');
  check(await page.locator('td code:text-is("gone@example.org")').count() === 0, 'the suppression was not removed');

  await go(page, relay, 'webhooks');
  await page.fill('#add-webhook input[name=url]', 'http://127.0.0.1:9/hook');
  await page.selectOption('#add-webhook select[name=account]', ACCOUNT);
  await page.click('#add-webhook button[type=submit]');
  await page.waitForSelector('.secret-box .secret-value');
  check((await page.textContent('.secret-box .secret-value')).trim().length >= 16, 'no webhook secret shown');
  await page.waitForSelector('td a:text-is("http://127.0.0.1:9/hook")');
  await page.click('td a:text-is("http://127.0.0.1:9/hook")');
  await page.waitForSelector('#main[data-state="ready"] .page-header:has-text("Deliveries")');
  await go(page, relay, 'webhooks');
  await page.click('tr:has-text("127.0.0.1:9") button:text("Delete")');
  await page.click('dialog.confirm button:text("Delete")');
  await page.waitForSelector('.notice-ok:has-text("deleted")');

  await go(page, relay, 'apikeys');
  await page.fill('#add-apikey input[name=name]', 'acme-deploy');
  await page.selectOption('#add-apikey select[name=account]', ACCOUNT);
  await page.click('#add-apikey button[type=submit]');
  await page.waitForSelector('.secret-box .secret-value');
  const accountKey = (await page.textContent('.secret-box .secret-value')).trim();
  t.accountKey = accountKey;
  check(/^pk_[A-Za-z0-9_-]{43}$/.test(accountKey), 'no API key shown');
  await page.reload();
  await page.waitForSelector('#main[data-state="ready"]');
  check(!(await page.content()).includes(accountKey), 'the API key is shown again after reload');
}

async function accountKeySession(t) {
  const {relay, page, accountKey} = t;
  step('an account key sees its own account');
  await login(page, relay, accountKey);
  check(await page.textContent('#who .who-scope') === `account ${ACCOUNT}`, 'the header does not name the account');
  await go(page, relay, 'users');
  await page.waitForSelector(`a.user-link:text-is("${USERNAME}")`);
  await login(page, relay, relay.admin_key);
  await go(page, relay, 'apikeys');
  await page.click('tr:has-text("acme-deploy") button:text("Revoke")');
  await page.click('dialog.confirm button:text("Revoke")');
  await page.waitForSelector('.notice-ok:has-text("was revoked")');
}

async function logOut(t) {
  const {page} = t;
  step('logout ends the session');
  await page.click('#logout');
  await page.waitForSelector('#login-form');
  await page.reload();
  await page.waitForSelector('#login-form');
}

const SCENARIO = [servedByPostern, anAccount, logIn, addDomain, createUser, passwordShownOnce, restrictToRange, wrongLogins, loginOutsideRange, explainFailure, allowAndLogIn, authLog, messageLog, screens, userActions, otherPages, accountKeySession, logOut];

async function run(relay, browser) {
  const context = await browser.newContext({viewport: {width: 1280, height: 860}});
  const page = await context.newPage();
  const problems = [];
  // Any script error or CSP violation fails the test. The 401s of "not logged in yet" and of
  // the deliberately wrong key are expected (chromium logs every failed load as an error).
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const t = {relay, context, page};
  for (const part of SCENARIO) await part(t);

  check(problems.length === 0, `the pages reported errors:\n${problems.join('\n')}`);
  await context.close();
}

async function main() {
  const {chromium} = playwright();
  const relay = await startRelay();
  let browser;
  let failed = true;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    await run(relay, browser);
    failed = false;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (failed) relay.proc.stdin.write('failed\n');
    relay.proc.stdin.end();
    await new Promise((resolve) => {
      if (relay.proc.exitCode !== null) resolve();
      else relay.proc.once('exit', resolve);
    });
  }
}

main().then(() => {
  console.log('1 passed, 0 failed');
}, (err) => {
  console.error(`FAIL: ${err instanceof TestFailure ? err.message : err.stack || err}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});

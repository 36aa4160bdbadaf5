// The admin console in Debian's Chromium: an owner signs in through the dev IdP and
// opens /admin/; on the connections page they turn JIT off for a store-owned connection
// with the keyboard (Space on the switch, then the confirmation, since SCIM is off); the
// `connection.jit.disabled` event appears in the live audit view of a second tab within
// 2 s without a reload; a new user's sign-in through that connection is then refused
// with the JIT-disabled page; the owner turns JIT back on; a `member` who opens /admin/
// gets 403. On the owner's user page they adopt the user into the `dev` connection's
// SCIM: the dry run first, then Apply, while the live view is paused; on Resume the
// `scim.user.adopted` event arrives, and no event is shown twice. Screenshots
// of every console page go to the test artifacts.
//
// The store-owned connection `shop` needs an IdP whose ACS allow-list names it, so the
// test starts a second dev IdP next to the stack's and creates `shop` through
// POST /admin/v1/connections with an admin token from `ssogate admin token create`.
//
// Run: SSOGATE_BIN=build/ssogate node --test tests/browser/admin_console.test.mjs
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { launchChromium, screenshotter } from './lib/browser.mjs';
import { Child, ssogateBinary, startStack } from './lib/stack.mjs';

const run = promisify(execFile);

/** Node's fetch does not take a self-signed certificate; use the browser's request API. */
async function adminApi(context, method, url, token, body) {
  const res = await context.request.fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    data: body === undefined ? undefined : JSON.stringify(body),
    ignoreHTTPSErrors: true,
  });
  return { status: res.status(), body: await res.text() };
}

/** Signs in through ssogate's page and the dev IdP's form; ends on the page after the ACS. */
async function signIn(page, stack, { email, name, role }) {
  await page.goto(`${stack.url}/admin/`);
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Email', { exact: true }).waitFor();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const post = page.getByRole('button', { name: 'Continue' });
  await post.waitFor();
  const [response] = await Promise.all([
    page.waitForNavigation({ url: (u) => u.href.startsWith(stack.url) }),
    post.click(),
  ]);
  return response;
}

test('an owner turns JIT off and on in the console and watches the audit log live; a member gets 403', async () => {
  const browser = await launchChromium();
  let stack;
  let shopIdp;
  try {
    stack = await startStack();
    const bin = ssogateBinary();
    const shoot = await screenshotter('admin-console');

    // A second dev IdP for the store-owned connection `shop`.
    shopIdp = new Child('dev-idp-shop', bin, [
      'dev-idp', '--data-dir', 'idp-shop', '--listen', '127.0.0.1:0',
      '--acs-url', `${stack.url}/sso/acs/shop`, '--sp-entity-id', `${stack.url}/sso/metadata`,
    ], stack.dir);
    const [, shopUrl] = await shopIdp.waitFor(/ssogate dev-idp serving (https:\/\/[^\s]+?)\/?$/m);

    const { stdout: tokenOut } = await run(bin, ['--config', 'ssogate.toml', 'admin', 'token', 'create', '--name', 'e2e'],
      { cwd: stack.dir });
    const token = tokenOut.trim().split('\n').pop().trim();

    const owner = await browser.newContext({ ignoreHTTPSErrors: true });
    owner.setDefaultTimeout(30000);
    const metadata = await owner.request.get(`${shopUrl}/metadata`, { ignoreHTTPSErrors: true });
    assert.equal(metadata.status(), 200);
    const created = await adminApi(owner, 'POST', `${stack.url}/admin/v1/connections`, token, {
      id: 'shop', name: 'Shop', domains: ['shop.example'], idp_metadata: await metadata.text(),
    });
    assert.equal(created.status, 201, created.body);

    // The owner signs in through the file connection `dev` and lands in the console.
    const page = await owner.newPage();
    await signIn(page, stack, { email: 'olivia@example.com', name: 'Olivia Owner', role: 'owner' });
    await page.waitForURL(`${stack.url}/admin/`);
    await page.getByRole('heading', { name: 'Admin console' }).waitFor();
    await shoot(page, 'home');

    // A second tab on the live audit log.
    const audit = await owner.newPage();
    await audit.goto(`${stack.url}/admin/audit`);
    await audit.getByText('Live: new events appear at the top.').waitFor();
    await shoot(audit, 'audit-log');

    // Connections: `dev` is read-only (file), `shop` has a live switch.
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
    const devSwitch = page.getByRole('switch', { name: 'Just-in-Time provisioning for dev' });
    assert.equal(await devSwitch.isDisabled(), true, 'a file-owned connection is read-only');
    await page.getByText(/ssogate\.toml/).first().waitFor();
    const shopSwitch = page.getByRole('switch', { name: 'Just-in-Time provisioning for shop' });
    assert.equal(await shopSwitch.getAttribute('aria-checked'), 'true');
    await shoot(page, 'connections');

    // Off with the keyboard; SCIM is off, so the console asks first.
    page.once('dialog', (d) => d.accept());
    await shopSwitch.focus();
    const switchedAt = Date.now();
    await page.keyboard.press('Space');
    await page.waitForFunction(() =>
      document.querySelector('#jit-shop')?.getAttribute('aria-checked') === 'false');
    // The event arrives in the other tab without a reload, within 2 s.
    await audit.getByText('connection.jit.disabled').first().waitFor({ timeout: 2000 });
    assert.ok(Date.now() - switchedAt < 4000);
    await shoot(audit, 'audit-log-live-event');

    // A new user through `shop` is refused with the JIT-disabled page.
    const newcomer = await browser.newContext({ ignoreHTTPSErrors: true });
    newcomer.setDefaultTimeout(30000);
    const np = await newcomer.newPage();
    const refused = await signIn(np, stack, { email: 'nina@shop.example', name: 'Nina New', role: 'member' });
    assert.equal(refused.status(), 403);
    await np.getByText(/accounts are not created automatically/).waitFor();
    await newcomer.close();

    // On again (no confirmation needed to turn it on).
    await shopSwitch.focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() =>
      document.querySelector('#jit-shop')?.getAttribute('aria-checked') === 'true');
    await audit.getByText('connection.jit.enabled').first().waitFor({ timeout: 2000 });

    // The other console pages, for the artifacts.
    await page.goto(`${stack.url}/admin/connections/shop`);
    await page.getByRole('heading', { name: 'Connection shop' }).waitFor();
    await shoot(page, 'connection');
    await page.goto(`${stack.url}/admin/users?q=olivia`);
    await shoot(page, 'users');
    await page.getByRole('link', { name: 'olivia@example.com' }).click();
    await page.getByRole('heading', { name: 'Last assertion' }).waitFor();
    await shoot(page, 'user');

    // Adopt into SCIM: the dry run first (nothing written), then Apply; the event
    // arrives live in the audit tab.
    await page.getByLabel('Connection').selectOption('dev');
    await page.getByRole('button', { name: 'Show what would change' }).click();
    await page.getByRole('heading', { name: 'Adopt into SCIM: dry run' }).waitFor();
    await page.getByText('nothing has been written').waitFor();
    assert.ok(await page.getByText('scim:dev').count() > 0, 'the dry run shows the new owner');
    assert.equal(await audit.getByText('scim.user.adopted').count(), 0, 'a dry run writes no event');
    await shoot(page, 'adopt-dry-run');
    // The live view is paused while the adoption is applied: nothing arrives; on Resume
    // it reads on after the last seq it showed — the new event, and no event twice.
    const actions = (name) => audit.locator('#events span.action', { hasText: name });
    await audit.getByRole('button', { name: 'Pause' }).click();
    await audit.getByText(/Paused after event #\d+/).waitFor();
    await page.getByRole('button', { name: 'Apply: adopt into SCIM of dev' }).click();
    await page.getByRole('heading', { name: 'Adopted into SCIM' }).waitFor();
    await audit.waitForTimeout(700);
    assert.equal(await actions('scim.user.adopted').count(), 0, 'nothing arrives while paused');
    await audit.getByRole('button', { name: 'Resume' }).click();
    await actions('scim.user.adopted').first().waitFor({ timeout: 2000 });
    assert.equal(await actions('scim.user.adopted').count(), 1);
    assert.equal(await actions('connection.jit.disabled').count(), 1, 'no event shown twice after resuming');
    assert.equal(await actions('connection.jit.enabled').count(), 1, 'no event shown twice after resuming');
    await shoot(page, 'adopt-applied');
    const adopted = await adminApi(owner, 'GET', `${stack.url}/admin/v1/users/olivia@example.com`, token);
    assert.equal(adopted.status, 200, adopted.body);
    const roles = JSON.parse(adopted.body).roles;
    assert.deepEqual(roles.map((r) => [r.role, r.owner]), [['owner', 'scim:dev']]);

    // The break-glass sign-in page, for the artifacts.
    const stranger = await browser.newContext({ ignoreHTTPSErrors: true });
    const sp = await stranger.newPage();
    await sp.goto(`${stack.url}/admin/login`);
    await sp.getByLabel('Admin token').waitFor();
    await shoot(sp, 'break-glass-login');
    await stranger.close();

    // A member is turned away.
    const member = await browser.newContext({ ignoreHTTPSErrors: true });
    member.setDefaultTimeout(30000);
    const mp = await member.newPage();
    await signIn(mp, stack, { email: 'max@example.com', name: 'Max Member', role: 'member' });
    const denied = await mp.goto(`${stack.url}/admin/`);
    assert.equal(denied.status(), 403);
    await mp.getByText(/only for users with the role owner/).waitFor();
    await shoot(mp, 'member-403');
    await member.close();
    await owner.close();
  } catch (e) {
    if (stack) process.stderr.write(`\nssogate and dev IdP output:\n${stack.logs()}${shopIdp ? shopIdp.logs() : ''}\n`);
    throw e;
  } finally {
    await browser.close();
    await shopIdp?.stop();
    await stack?.stop();
  }
});

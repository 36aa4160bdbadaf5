// A person signs in through the real pages in Debian's Chromium: ssogate's sign-in
// page → the development IdP's login form → the IdP's POST to ssogate's ACS → signed
// in at `/`; `/me` says who they are; the sign-out button ends the session and `/me`
// is 401 again. Every step finds its element by role or label, so the test also
// proves that the forms are labelled and the buttons named.
//
// Run: SSOGATE_BIN=build/ssogate node --test tests/browser/   (after `npm ci` there)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launchChromium, screenshotter } from './lib/browser.mjs';
import { startStack } from './lib/stack.mjs';

test('a person signs in through the dev IdP, sees who they are, and signs out', async () => {
  const browser = await launchChromium(); // first: a missing tool fails before anything starts
  let stack;
  try {
    stack = await startStack();
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    context.setDefaultTimeout(30000);
    const page = await context.newPage();
    const shoot = await screenshotter('signin');

    // ssogate's sign-in page: one labelled email field.
    await page.goto(`${stack.url}/`);
    await page.getByLabel('Work email').fill('bob@example.com');
    await shoot(page, 'sign-in-page');
    await page.getByRole('button', { name: 'Continue' }).click();

    // /sso/start → /sso/login/dev → the dev IdP's login form, over the redirect binding.
    await page.waitForURL((u) => u.href.startsWith(`${stack.idpUrl}/sso?`));
    await page.getByRole('heading', { name: /Development IdP/ }).waitFor();
    await page.getByLabel('Email', { exact: true }).fill('bob@example.com');
    await page.getByLabel('Display name').fill('Bob Builder');
    await page.getByLabel('Groups (comma-separated)').fill('engineering');
    await page.getByLabel('Role').selectOption('editor');
    await shoot(page, 'idp-login-form');
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The IdP's page holds the signed response in a form to the ACS (no script).
    const post = page.getByRole('button', { name: 'Continue' });
    await post.waitFor();
    await shoot(page, 'idp-post-to-acs');
    await post.click();

    // Back at ssogate, signed in.
    await page.waitForURL(`${stack.url}/`);
    await page.getByText('bob@example.com').first().waitFor();
    const signOut = page.getByRole('button', { name: 'Sign out' });
    await signOut.waitFor();
    await shoot(page, 'signed-in');

    const me = await page.goto(`${stack.url}/me`);
    assert.equal(me.status(), 200);
    const who = await me.json();
    assert.equal(who.email, 'bob@example.com');
    assert.equal(who.name, 'Bob Builder');
    assert.equal(who.connection, 'dev');
    assert.deepEqual(who.roles, ['editor']);
    assert.ok(who.user_id, '/me has a user_id');
    assert.ok(Date.parse(who.session_expires_at) > Date.now(), 'the session expires in the future');

    await page.goto(`${stack.url}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Work email').waitFor(); // the sign-in page again
    await shoot(page, 'signed-out');

    const after = await page.goto(`${stack.url}/me`);
    assert.equal(after.status(), 401, '/me after sign-out');
    const cookies = await context.cookies(stack.url);
    assert.ok(!cookies.some((c) => c.name === '__Host-ssogate_session'), 'the session cookie is gone');
  } catch (e) {
    if (stack) process.stderr.write(`\nssogate and dev IdP output:\n${stack.logs()}\n`);
    throw e;
  } finally {
    await browser.close();
    await stack?.stop();
  }
});

// A real nginx (Debian's package, started here with its own config on a loopback port)
// protects /app/ with `auth_request` to ssogate's GET /auth/check and forwards the
// X-Ssogate-* headers to the app: 401 before sign-in, 200 with the user's headers
// after a real sign-in through the development IdP, 401 again after sign-out. The
// nginx config below is the one README.md shows.
//
// Run: SSOGATE_BIN=build/ssogate node --test tests/browser/nginx.test.mjs
import assert from 'node:assert/strict';
import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';

import { formValue, request, signInOverHttp } from './lib/http.mjs';
import { Child, freePort, startStack } from './lib/stack.mjs';

const nginxBinary = process.env.SSOGATE_NGINX || '/usr/sbin/nginx';

/** The nginx.conf of the test: everything inside `dir`, in the foreground. */
function nginxConf(dir, { port, appPort, ssogateUrl }) {
  const root = process.getuid?.() === 0;
  return `
daemon off;
${root ? 'user root;' : ''}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr info;
events { worker_connections 64; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/tmp/client_body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;

  server {
    listen 127.0.0.1:${port};

    location /app/ {
      auth_request /_ssogate_auth;
      auth_request_set $ssogate_user  $upstream_http_x_ssogate_user;
      auth_request_set $ssogate_email $upstream_http_x_ssogate_email;
      auth_request_set $ssogate_roles $upstream_http_x_ssogate_roles;
      auth_request_set $ssogate_teams $upstream_http_x_ssogate_teams;
      # Always set, so a client can never send its own X-Ssogate-* to the app.
      proxy_set_header X-Ssogate-User  $ssogate_user;
      proxy_set_header X-Ssogate-Email $ssogate_email;
      proxy_set_header X-Ssogate-Roles $ssogate_roles;
      proxy_set_header X-Ssogate-Teams $ssogate_teams;
      proxy_pass http://127.0.0.1:${appPort};
    }

    location = /_ssogate_auth {
      internal;
      proxy_pass ${ssogateUrl}/auth/check;
      proxy_ssl_verify off;               # the test's self-signed certificate
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Cookie $http_cookie;
      proxy_set_header X-Original-URI $request_uri;
    }
  }

  # The "app": echoes the identity headers it was given.
  server {
    listen 127.0.0.1:${appPort};
    location / {
      default_type text/plain;
      return 200 "user=$http_x_ssogate_user\\nemail=$http_x_ssogate_email\\nroles=$http_x_ssogate_roles\\nteams=$http_x_ssogate_teams\\n";
    }
  }
}
`;
}

/** Resolves once 127.0.0.1:port accepts a connection; rejects after `timeoutMs`. */
async function waitForPort(port, child, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (child.exit) throw new Error(`nginx exited (${JSON.stringify(child.exit)})`);
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts nginx in front of `stack` (new ports up to three times if one was taken). */
async function startNginx(stack) {
  try {
    await access(nginxBinary, constants.X_OK);
  } catch {
    throw new Error(`nginx not found at ${nginxBinary}: apt-get install nginx (scripts/install-deps --browser) — ` +
      'the nginx test never skips');
  }
  const dir = join(stack.dir, 'nginx');
  await mkdir(join(dir, 'tmp'), { recursive: true });
  let last;
  for (let attempt = 1; attempt <= 3; ++attempt) {
    const port = await freePort();
    const appPort = await freePort();
    await writeFile(join(dir, 'nginx.conf'), nginxConf(dir, { port, appPort, ssogateUrl: stack.url }));
    const nginx = new Child('nginx', nginxBinary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], dir);
    try {
      await waitForPort(port, nginx);
      await waitForPort(appPort, nginx);
      return { url: `http://127.0.0.1:${port}`, child: nginx };
    } catch (e) {
      last = new Error(`${e.message}\n${nginx.logs()}`);
      await nginx.stop();
    }
  }
  throw last;
}

/** "k=v" lines of the echo app → object. */
function echoed(body) {
  return Object.fromEntries(body.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

test('nginx auth_request to /auth/check: 401 before sign-in, 200 with the user headers after, 401 after sign-out', async () => {
  const stack = await startStack();
  let nginx;
  try {
    nginx = await startNginx(stack);

    // Not signed in: nginx answers 401 itself; the app is never reached.
    const anonymous = await request(`${nginx.url}/app/report`, { headers: { 'X-Ssogate-User': 'spoofed' } });
    assert.equal(anonymous.status, 401);
    assert.doesNotMatch(anonymous.body, /user=/);

    const jar = await signInOverHttp(stack, {
      email: 'carol@example.com', displayName: 'Carol Danvers', groups: 'engineering', role: 'editor',
    });
    const me = JSON.parse((await request(`${stack.url}/me`, { headers: { Cookie: jar.header() } })).body);

    // Signed in: the app gets the user's headers, never what the client sent.
    const app = await request(`${nginx.url}/app/report`, {
      headers: { Cookie: jar.header(), 'X-Ssogate-Email': 'mallory@evil.example' },
    });
    assert.equal(app.status, 200, app.body);
    const seen = echoed(app.body);
    assert.equal(seen.user, me.user_id);
    assert.ok(seen.user.length > 0);
    assert.equal(seen.email, 'carol@example.com');
    assert.equal(seen.roles, 'editor');
    assert.equal(seen.teams, '');

    // Sign out (the form's CSRF token, from ssogate's origin): nginx refuses again.
    const home = await request(`${stack.url}/`, { headers: { Cookie: jar.header() } });
    const out = await request(`${stack.url}/logout`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded', Origin: stack.url, Cookie: jar.header(),
      },
      body: `csrf=${formValue(home.body, 'csrf')}`,
    });
    assert.equal(out.status, 303, out.body);
    assert.equal((await request(`${nginx.url}/app/report`, { headers: { Cookie: jar.header() } })).status, 401);
  } catch (e) {
    process.stderr.write(`\nssogate, dev IdP and nginx output:\n${stack.logs()}${nginx ? nginx.child.logs() : ''}\n`);
    throw e;
  } finally {
    await nginx?.child.stop();
    await stack.stop();
  }
});

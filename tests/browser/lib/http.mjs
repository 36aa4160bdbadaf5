// A tiny HTTP(S) client for end-to-end tests that need no browser: no redirects
// followed, self-signed certificates accepted (loopback only), a cookie jar, and a
// sign-in through the development IdP's real pages done the way a browser would.
import http from 'node:http';
import https from 'node:https';

/** One request; resolves with { status, headers, body } and never follows redirects. */
export function request(url, { method = 'GET', headers = {}, body } = {}) {
  const u = new URL(url);
  const client = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(u, {
      method,
      headers: body === undefined ? headers : { ...headers, 'Content-Length': Buffer.byteLength(body) },
      rejectUnauthorized: false, // ssogate's and the dev IdP's self-signed certificates
      agent: false,
      timeout: 20000,
    }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Cookies for one site, kept from Set-Cookie headers (Max-Age=0 deletes). */
export class CookieJar {
  constructor() { this.cookies = new Map(); }

  take(res) {
    for (const line of res.headers['set-cookie'] ?? []) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
    return res;
  }

  header() { return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; '); }
}

/** The value of the first form field `name` in an HTML page (entities decoded). */
export function formValue(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  if (!m) throw new Error(`no form field ${name} in:\n${html}`);
  return m[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const form = (fields) => new URLSearchParams(fields).toString();
const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };

/**
 * Signs in at `stack` through the dev IdP's pages without a browser:
 * /sso/login/dev → the IdP's login form → its signed response → ssogate's ACS.
 * Returns the jar holding ssogate's session cookie.
 */
export async function signInOverHttp(stack, { email, displayName = '', groups = '', role = 'member' }) {
  const jar = new CookieJar();
  const login = jar.take(await request(`${stack.url}/sso/login/dev?return_to=%2F`));
  if (login.status !== 302) throw new Error(`/sso/login/dev: ${login.status} ${login.body}`);
  const idpForm = await request(login.headers.location);
  if (idpForm.status !== 200) throw new Error(`dev IdP /sso: ${idpForm.status} ${idpForm.body}`);

  const signed = await request(`${stack.idpUrl}/sso/login`, {
    method: 'POST',
    headers: formHeaders,
    body: form({ token: formValue(idpForm.body, 'token'), email, display_name: displayName, groups, role }),
  });
  if (signed.status !== 200) throw new Error(`dev IdP /sso/login: ${signed.status} ${signed.body}`);
  const acsUrl = signed.body.match(/<form method="post" action="([^"]+)"/)[1].replace(/&amp;/g, '&');

  const acs = jar.take(await request(acsUrl, {
    method: 'POST',
    headers: { ...formHeaders, Cookie: jar.header() },
    body: form({ SAMLResponse: formValue(signed.body, 'SAMLResponse'), RelayState: formValue(signed.body, 'RelayState') }),
  }));
  if (acs.status !== 303 || !jar.cookies.has('__Host-ssogate_session'))
    throw new Error(`ACS: ${acs.status} ${acs.body}`);
  return jar;
}

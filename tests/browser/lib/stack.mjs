// Starts a throwaway ssogate stack on loopback for end-to-end tests: the development
// IdP (`ssogate dev-idp`) and `ssogate serve` with one connection `dev` pointing at it,
// both in a fresh temporary directory, both with self-signed TLS.
//
//   const stack = await startStack();          // SSOGATE_BIN names the built binary
//   stack.url      // https://127.0.0.1:<port>   ssogate
//   stack.idpUrl   // https://127.0.0.1:<port>   the dev IdP
//   stack.logs()   // both processes' stdout and stderr so far, for failure messages
//   await stack.stop();
//
// Ports: the dev IdP binds port 0 and prints the port it got. ssogate's own port must be
// known before either starts (it is in the IdP's ACS allow-list and in ssogate's
// public_url), so it is a port the kernel just handed out and released; if another
// process takes it in between, ssogate fails to bind and the whole stack is started
// again on a new port (up to three times).
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The built ssogate binary: $SSOGATE_BIN (set by ctest), else ../../build/ssogate. */
export function ssogateBinary() {
  return process.env.SSOGATE_BIN || new URL('../../../build/ssogate', import.meta.url).pathname;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A background process whose output is kept. `waitFor(re)` resolves with the first
 * stdout match, and rejects when the process exits first or `timeoutMs` passes.
 */
export class Child {
  constructor(name, bin, args, cwd) {
    this.name = name;
    this.out = '';
    this.err = '';
    this.exit = null;
    this.proc = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      this.proc.once('error', (e) => {
        this.err += `\n[spawn failed: ${e.message}]`;
        this.exit = { code: -1, signal: null };
        resolve(this.exit);
      });
    });
    this.proc.stdout.setEncoding('utf8').on('data', (d) => { this.out += d; });
    this.proc.stderr.setEncoding('utf8').on('data', (d) => { this.err += d; });
  }

  async waitFor(re, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.out.match(re);
      if (m) return m;
      if (this.exit) throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before printing ${re}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not print ${re} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit status. */
  async stop(graceMs = 5000) {
    if (this.exit) return this.exit;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    const status = await this.exited;
    clearTimeout(timer);
    return status;
  }

  logs() {
    return `----- ${this.name} stdout -----\n${this.out}\n----- ${this.name} stderr -----\n${this.err}\n`;
  }
}

async function startOnce(bin, dir) {
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const idpArgs = [
    'dev-idp', '--data-dir', 'idp', '--listen', '127.0.0.1:0',
    '--acs-url', `${url}/sso/acs/dev`, '--sp-entity-id', `${url}/sso/metadata`,
  ];
  // The [[connection]] snippet first: --print-connection-toml writes the metadata with
  // the port as given (0); the running IdP rewrites it with the port it bound.
  const { stdout: connection } = await run(bin, [...idpArgs, '--print-connection-toml'], { cwd: dir });

  const idp = new Child('dev-idp', bin, idpArgs, dir);
  let sso;
  try {
    const [, idpUrl] = await idp.waitFor(/ssogate dev-idp serving (https:\/\/[^\s]+?)\/?$/m);
    await writeFile(join(dir, 'ssogate.toml'), [
      '[server]',
      `listen = "127.0.0.1:${port}"`,
      '[store]',
      'path = "ssogate.db"',
      '',
      connection,
    ].join('\n'));
    sso = new Child('ssogate', bin, ['--config', 'ssogate.toml', 'serve'], dir);
    await sso.waitFor(/ssogate \S+ serving https:\/\//);
    return { url, idpUrl, idp, sso };
  } catch (e) {
    e.logs = idp.logs() + (sso ? sso.logs() : '');
    await Promise.all([idp.stop(), sso?.stop()]);
    throw e;
  }
}

/** Starts the dev IdP and ssogate; see the top of this file. */
export async function startStack({ bin = ssogateBinary() } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'ssogate-e2e-'));
  let lastError;
  for (let attempt = 1; attempt <= 3; ++attempt) {
    try {
      const { url, idpUrl, idp, sso } = await startOnce(bin, dir);
      return {
        url,
        idpUrl,
        dir,
        logs: () => idp.logs() + sso.logs(),
        async stop() {
          await Promise.all([sso.stop(), idp.stop()]);
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      lastError = e;
      await rm(join(dir, 'ssogate.db'), { force: true });
    }
  }
  await rm(dir, { recursive: true, force: true });
  const err = new Error(`could not start ssogate and the dev IdP: ${lastError.message}\n${lastError.logs ?? ''}`);
  throw err;
}

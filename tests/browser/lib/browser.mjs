// Debian's Chromium driven by playwright-core (never a browser download), and the
// small helpers every browser test needs: screenshots into the build's test-artifacts
// folder and a clear failure when `npm ci` has not been run.
import { access, constants, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Where Debian's `chromium` package puts the browser. */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Headless and quiet: the background-networking flags stop Chromium from calling out
 * (this machine's network refuses everything but loopback); Playwright gives every
 * launch a fresh temporary profile.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** playwright-core's `chromium`, or an error that says how to install it. */
export async function loadChromium() {
  try {
    return (await import('playwright-core')).chromium;
  } catch (e) {
    throw new Error(
      `playwright-core is not installed (${e.code ?? e.message}): run \`npm ci\` in tests/browser ` +
        '(scripts/test does this) — the browser tests never skip.');
  }
}

/** Launches Chromium headless with `chromiumArgs`. */
export async function launchChromium() {
  const chromium = await loadChromium();
  try {
    await access(chromiumPath, constants.X_OK);
  } catch {
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium ` +
      '(scripts/install-deps --browser) — the browser tests never skip.');
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/**
 * Screenshots go to $SSOGATE_TEST_ARTIFACTS (ctest sets <build dir>/test-artifacts),
 * else build/test-artifacts; `shoot(page, 'name')` writes <prefix>-NN-name.png.
 */
export async function screenshotter(prefix) {
  const dir = process.env.SSOGATE_TEST_ARTIFACTS ||
    new URL('../../../build/test-artifacts', import.meta.url).pathname;
  await mkdir(dir, { recursive: true });
  let n = 0;
  return async (page, name) => {
    n += 1;
    const file = join(dir, `${prefix}-${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

// Headless browsers with fake cameras, behind one small interface:
//
//   const browser = await launch('chromium' | 'firefox', { prefs });
//   await browser.open(url);                 // navigate, wait for the load event
//   const value = await browser.run(expr);   // evaluate a JS expression in the page, await it
//   await browser.close();
//
// Chromium goes through playwright-core (its own Chromium at /usr/bin/chromium, never a
// downloaded one); Firefox through geckodriver, spoken to as plain WebDriver over HTTP.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';

/** Per-call bound for `run`: every case settles well within it (grabFrame's own bound is 5 s). */
const SCRIPT_TIMEOUT_MS = 60_000;

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';

function geckodriverPath() {
  if (process.env.GECKODRIVER) return process.env.GECKODRIVER;
  const cargoBin = join(homedir(), '.cargo', 'bin', 'geckodriver');
  return existsSync(cargoBin) ? cargoBin : 'geckodriver';
}

/**
 * @param {'chromium' | 'firefox'} name
 * @param {{ prefs?: Record<string, unknown> }} [options] extra Firefox preferences
 */
export async function launch(name, options = {}) {
  if (name === 'chromium') return launchChromium();
  if (name === 'firefox') return launchFirefox(options.prefs ?? {});
  throw new Error(`unknown browser ${name}`);
}

async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(`[console.${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  return {
    name: 'chromium',
    logs,
    async open(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    async run(expression) {
      return withTimeout(page.evaluate(expression), SCRIPT_TIMEOUT_MS, expression);
    },
    async close() {
      await browser.close();
    },
  };
}

async function launchFirefox(extraPrefs) {
  const profileRoot = await mkdtemp(join(tmpdir(), 'imagecapture-gecko-'));
  const driver = spawn(geckodriverPath(), ['--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: profileRoot },
  });
  const logs = [];
  const port = await new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk) => {
      seen += chunk;
      const match = /Listening on [^\s]*:(\d+)/.exec(seen);
      if (match) resolve(Number(match[1]));
    };
    driver.stdout.on('data', onData);
    driver.stderr.on('data', onData);
    driver.once('error', reject);
    driver.once('exit', (code) => reject(new Error(`geckodriver exited (${code}): ${seen}`)));
    setTimeout(() => reject(new Error(`geckodriver did not start: ${seen}`)), 30_000).unref();
  });
  driver.stdout.on('data', (c) => logs.push(String(c)));
  driver.stderr.on('data', (c) => logs.push(String(c)));
  const base = `http://127.0.0.1:${port}`;

  async function call(method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok || (json.value && json.value.error)) {
      const v = json.value ?? {};
      throw new Error(`WebDriver ${method} ${path}: ${v.error}: ${v.message}`);
    }
    return json.value;
  }

  let session;
  try {
    session = await call('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'firefox',
          'moz:firefoxOptions': {
            binary: FIREFOX,
            args: ['-headless'],
            prefs: {
              'media.navigator.streams.fake': true,
              'media.navigator.permission.disabled': true,
              // The page's console in geckodriver's output (shown when a case fails).
              'devtools.console.stdout.content': true,
              ...extraPrefs,
            },
          },
        },
      },
    });
  } catch (error) {
    driver.kill();
    await rm(profileRoot, { recursive: true, force: true });
    throw error;
  }
  const id = session.sessionId;
  await call('POST', `/session/${id}/timeouts`, { script: SCRIPT_TIMEOUT_MS, pageLoad: 30_000 });

  return {
    name: 'firefox',
    logs,
    async open(url) {
      await call('POST', `/session/${id}/url`, { url });
    },
    async run(expression) {
      // The last argument of an async script is its completion callback. A rejection becomes
      // a value here and is rethrown in node, so WebDriver's own error never hides it.
      const script = `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${expression})).then(
          (value) => done({ ok: true, value }),
          (error) => done({ ok: false, error: String(error && error.stack || error) }));`;
      const out = await call('POST', `/session/${id}/execute/async`, { script, args: [] });
      if (!out.ok) throw new Error(out.error);
      return out.value;
    },
    async close() {
      try {
        await call('DELETE', `/session/${id}`);
      } finally {
        driver.kill();
        await new Promise((resolve) => {
          if (driver.exitCode !== null) resolve();
          else driver.once('exit', resolve);
        });
        await rm(profileRoot, { recursive: true, force: true });
      }
    },
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

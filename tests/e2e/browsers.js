// Headless Chromium and Firefox with fake cameras, driven the way a person uses a page:
//
//   const browser = await launch('chromium' | 'firefox');
//   await browser.open(url);                  // navigate, wait for the load event
//   await browser.click('#grab');             // a real click on the element
//   await browser.press('#resolution', 'End'); // focus the element, press a key
//   const value = await browser.run(expr);    // evaluate a JS expression in the page, await it
//   const png = await browser.screenshot();   // the whole page, as PNG bytes
//   browser.errors;                           // what the page logged as errors, or threw
//   await browser.close();
//
// The launching is pkg/test/browsers.js's (same flags, same geckodriver handling, same system
// browsers, nothing downloaded). That module is not ours to change and only evaluates scripts,
// so the input, screenshots and error capture a page test needs are added in this copy.
// Chromium goes through playwright-core (pkg/'s devDependency); Firefox through geckodriver, as
// plain WebDriver over HTTP plus one WebDriver BiDi subscription for the page's console.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

// pkg/'s node_modules, reused rather than installed a second time for these tests.
const require = createRequire(new URL('../../pkg/package.json', import.meta.url));

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
/** Wide enough for the page's three views side by side, as on a laptop. */
const VIEWPORT = { width: 1280, height: 900 };
/** Per-call bound: no step of the test should take long; a hang must fail, not stall CI. */
const CALL_TIMEOUT_MS = 60_000;

function geckodriverPath() {
  if (process.env.GECKODRIVER) return process.env.GECKODRIVER;
  const cargoBin = join(homedir(), '.cargo', 'bin', 'geckodriver');
  return existsSync(cargoBin) ? cargoBin : 'geckodriver';
}

/**
 * @param {'chromium' | 'firefox'} name
 * @param {{ args?: string[], initScript?: string }} [chromiumOptions] extra command-line
 *   arguments, and a script run in every page before the page's own (Chromium only)
 */
export async function launch(name, chromiumOptions = {}) {
  if (name === 'chromium') return launchChromium(chromiumOptions);
  if (name === 'firefox') return launchFirefox();
  throw new Error(`unknown browser ${name}`);
}

// ---------------------------------------------------------------------------------------------
// Chromium

async function launchChromium({ args = [], initScript }) {
  const { chromium } = require('playwright-core');
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
      ...args,
    ],
  });
  const context = await browser.newContext({ viewport: VIEWPORT });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(CALL_TIMEOUT_MS);
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return {
    name: 'chromium',
    errors,
    open: (url) => page.goto(url, { waitUntil: 'load' }),
    run: (expression) => withTimeout(page.evaluate(expression), expression),
    click: (selector) => page.click(selector),
    press: (selector, key) => page.press(selector, key),
    screenshot: () => page.screenshot({ fullPage: true }),
    close: () => browser.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Firefox

/** WebDriver's codes for the keys the tests press. */
const KEYS = { Home: '\uE011', End: '\uE010', ArrowLeft: '\uE012', ArrowRight: '\uE014' };
/** The key WebDriver gives element references under. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** Node ≥ 22 has a global WebSocket; older ones get the `ws` bundled in playwright-core. */
function webSocketClass() {
  return globalThis.WebSocket ?? require('playwright-core/lib/utilsBundle').ws;
}

async function launchFirefox() {
  const profileRoot = await mkdtemp(join(tmpdir(), 'imagecapture-e2e-gecko-'));
  const driver = spawn(geckodriverPath(), ['--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: profileRoot },
  });
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
  // Drain its output, or a full pipe would block it.
  driver.stdout.resume();
  driver.stderr.resume();
  const base = `http://127.0.0.1:${port}`;

  async function call(method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const json = await response.json();
    if (!response.ok || json.value?.error) {
      const v = json.value ?? {};
      throw new Error(`WebDriver ${method} ${path}: ${v.error}: ${v.message}`);
    }
    return json.value;
  }

  let session;
  let socket;
  const errors = [];
  try {
    session = await call('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'firefox',
          // A BiDi connection next to the classic session: the only way to the page's console.
          webSocketUrl: true,
          'moz:firefoxOptions': {
            binary: FIREFOX,
            args: ['-headless'],
            prefs: {
              'media.navigator.streams.fake': true,
              'media.navigator.permission.disabled': true,
            },
          },
        },
      },
    });
    socket = await consoleErrors(session.capabilities.webSocketUrl, errors);
  } catch (error) {
    driver.kill();
    await rm(profileRoot, { recursive: true, force: true });
    throw error;
  }
  const id = session.sessionId;
  await call('POST', `/session/${id}/timeouts`, { script: CALL_TIMEOUT_MS, pageLoad: 30_000 });
  await call('POST', `/session/${id}/window/rect`, VIEWPORT);

  async function find(selector) {
    const found = await call('POST', `/session/${id}/element`, {
      using: 'css selector',
      value: selector,
    });
    return found[ELEMENT];
  }

  return {
    name: 'firefox',
    errors,
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
    async click(selector) {
      await call('POST', `/session/${id}/element/${await find(selector)}/click`, {});
    },
    async press(selector, key) {
      const text = KEYS[key] ?? key;
      await call('POST', `/session/${id}/element/${await find(selector)}/value`, { text });
    },
    async screenshot() {
      // Firefox's full-page variant, like Chromium's `fullPage: true`.
      return Buffer.from(await call('GET', `/session/${id}/moz/screenshot/full`), 'base64');
    },
    async close() {
      try {
        socket.close();
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

/**
 * Subscribes to the page's log over WebDriver BiDi and pushes every error entry (a
 * console.error, an uncaught exception or rejection) onto `errors`. Only the pages' logs come
 * this way, never the browser's own chatter, which geckodriver's output mixes in.
 */
async function consoleErrors(url, errors) {
  const WebSocket = webSocketClass();
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)), {
      once: true,
    });
  });
  const subscribed = new Promise((resolve, reject) => {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data));
      if (message.id === 1) {
        if (message.type === 'error') reject(new Error(`BiDi: ${message.message}`));
        else resolve();
      } else if (message.method === 'log.entryAdded' && message.params.level === 'error') {
        const { type, text } = message.params;
        errors.push(`${type === 'console' ? 'console.error' : 'uncaught'}: ${text}`);
      }
    });
  });
  socket.send(
    JSON.stringify({ id: 1, method: 'session.subscribe', params: { events: ['log.entryAdded'] } }),
  );
  await subscribed;
  return socket;
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${CALL_TIMEOUT_MS} ms: ${what}`)),
      CALL_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

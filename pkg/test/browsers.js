// Headless browsers with fake cameras, behind one small interface, shared by the package's
// tests (pkg/test/suite.js), the demo page's end-to-end test (tests/e2e/demo.test.js) and the
// benchmark page's driver (www/bench/run.js):
//
//   const browser = await launch('chromium' | 'firefox' | 'webkit-…', options);
//   await browser.open(url);                   // navigate, wait for the load event
//   const value = await browser.run(expr);     // evaluate a JS expression in the page, await it
//   await browser.click('#grab');              // a real click on the element
//   await browser.press('#resolution', 'End'); // focus the element, press a key
//   const png = await browser.screenshot();    // the page, as PNG bytes
//   browser.errors;                            // what the page logged as errors, or threw
//   browser.logs;                              // the browser's own output, for failure reports
//   browser.version;                           // e.g. "firefox 153.0", "MiniBrowser 2.50.6"
//   await browser.close();
//
// `options`: `prefs`, extra Firefox preferences; `args`, extra Chromium arguments; `initScript`,
// a script run in every page before the page's own (Chromium only: WebKitWebDriver has no
// WebDriver BiDi, so no preload scripts, and nothing has needed it in Firefox).
//
// Chromium goes through playwright-core (its own Chromium at /usr/bin/chromium, never a
// downloaded one); Firefox through geckodriver and WebKit (WebKitGTK's MiniBrowser, Safari's
// engine) through WebKitWebDriver, both spoken to as plain WebDriver over HTTP; Firefox also
// through one WebDriver BiDi subscription, for the page's console. Every browser gets the same
// window (VIEWPORT), so that screenshots compare.
//
// `errors`: Chromium's and Firefox's come from the browser (console.error, uncaught exceptions
// and rejections) from the first line of the page on. WebKitGTK writes none of a page's console
// anywhere a driver can read it when automated (not even with
// --enable-write-console-messages-to-stdout), so in WebKit `open()` installs a recorder in the
// page once it has loaded and every `run()` collects what it recorded: what a page logs while it
// loads is missed there (a page that reports its own failures, as the demo does, still shows
// them).
//
// WebKit comes in three shapes (see WEBKIT_SHAPES): `webkit-native` with WebKit's own
// ImageCapture (a feature flag in WebKitGTK), `webkit-partial` the same with `grabFrame` removed
// by the test page before the package loads (Safari 18.x), `webkit-polyfill` without it. It needs
// an X display: the `DISPLAY` given, or an `Xvfb` of its own; and a D-Bus session bus: the
// `DBUS_SESSION_BUS_ADDRESS` given, or a `dbus-daemon` of its own. Without a bus, WebKitGTK's web
// process looks for one at every media element and, now and then, GLib aborts it while doing so
// ("getauxval () failed: Interrupted system call"; see crates/xtask/src/webkit.rs). What it
// starts it ends on close, by PID.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';

const require = createRequire(import.meta.url);

/** Per-call bound for `run`: every case settles well within it (grabFrame's own bound is 5 s). */
const SCRIPT_TIMEOUT_MS = 60_000;
/** Per-request bound on a WebDriver call: beyond the script bound, so that one reports first. */
const REQUEST_TIMEOUT_MS = SCRIPT_TIMEOUT_MS + 30_000;
/** Wide enough for the demo page's three views side by side, as on a laptop. */
const VIEWPORT = { width: 1280, height: 900 };

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';

function geckodriverPath() {
  if (process.env.GECKODRIVER) return process.env.GECKODRIVER;
  const cargoBin = join(homedir(), '.cargo', 'bin', 'geckodriver');
  return existsSync(cargoBin) ? cargoBin : 'geckodriver';
}

/** The WebKit shapes: whether WebKit's own ImageCapture is on (the page removes grabFrame). */
export const WEBKIT_SHAPES = {
  'webkit-native': { imageCapture: true },
  'webkit-partial': { imageCapture: true },
  'webkit-polyfill': { imageCapture: false },
};

/**
 * @param {'chromium' | 'firefox' | keyof typeof WEBKIT_SHAPES} name
 * @param {{ prefs?: Record<string, unknown>, args?: string[], initScript?: string }} [options]
 *   extra Firefox preferences; extra Chromium arguments; a script run in every page before the
 *   page's own (Chromium only)
 */
export async function launch(name, options = {}) {
  if (options.initScript !== undefined && name !== 'chromium') {
    throw new Error(`${name}: initScript needs Chromium (no preload scripts through WebDriver here)`);
  }
  if (options.args !== undefined && name !== 'chromium') {
    throw new Error(`${name}: args are Chromium's command-line arguments`);
  }
  if (name === 'chromium') return launchChromium(options);
  if (name === 'firefox') return launchFirefox(options.prefs ?? {});
  if (name in WEBKIT_SHAPES) return launchWebKit(name, WEBKIT_SHAPES[name]);
  throw new Error(`unknown browser ${name}`);
}

async function launchChromium({ args = [], initScript }) {
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
      ...args,
    ],
  });
  const context = await browser.newContext({ viewport: VIEWPORT });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(SCRIPT_TIMEOUT_MS);
  const logs = [];
  const errors = [];
  page.on('console', (m) => {
    logs.push(`[console.${m.type()}] ${m.text()}`);
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => {
    logs.push(`[pageerror] ${e.message}`);
    errors.push(`uncaught: ${e.message}`);
  });
  return {
    name: 'chromium',
    version: `chromium ${browser.version()}`,
    logs,
    errors,
    async open(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    async run(expression) {
      return withTimeout(page.evaluate(expression), SCRIPT_TIMEOUT_MS, expression);
    },
    async click(selector) {
      await page.click(selector);
    },
    async press(selector, key) {
      await page.press(selector, key);
    },
    async screenshot() {
      return page.screenshot({ fullPage: true });
    },
    async close() {
      await browser.close();
    },
  };
}

async function launchFirefox(extraPrefs) {
  const profileRoot = await mkdtemp(join(tmpdir(), 'imagecapture-gecko-'));
  // Both ports free ones: Firefox's BiDi port is 9222 by default, which another Firefox on the
  // machine (another test run) may hold.
  const driver = spawn(geckodriverPath(), ['--port', '0', '--host', '127.0.0.1', '--websocket-port', '0'], {
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
  const errors = [];
  let socket;
  return webDriverSession({
    name: 'firefox',
    base: `http://127.0.0.1:${port}`,
    logs,
    errors,
    capabilities: {
      browserName: 'firefox',
      // A BiDi connection next to the classic session: the only way to the page's console.
      webSocketUrl: true,
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
    async started(session) {
      socket = await consoleErrors(session.capabilities.webSocketUrl, errors);
    },
    // Firefox's full-page variant, like Chromium's `fullPage: true`.
    screenshotPath: 'moz/screenshot/full',
    async cleanup() {
      socket?.close();
      await endDriver(driver);
      await rm(profileRoot, { recursive: true, force: true });
    },
  });
}

/** Node ≥ 22 has a global WebSocket; older ones get the `ws` bundled in playwright-core. */
function webSocketClass() {
  return globalThis.WebSocket ?? require('playwright-core/lib/utilsBundle').ws;
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

/** WebKitGTK's MiniBrowser: `$MINIBROWSER`, or where Debian's webkit2gtk packages put it. */
function miniBrowserPath() {
  if (process.env.MINIBROWSER) return process.env.MINIBROWSER;
  const candidates = [];
  for (const lib of ['/usr/lib', '/usr/libexec']) {
    let entries = [];
    try {
      entries = readdirSync(lib);
    } catch {
      continue;
    }
    for (const dir of ['', ...entries.filter((e) => e.includes('-linux-'))]) {
      for (const api of ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0']) {
        candidates.push(join(lib, dir, api, 'MiniBrowser'));
      }
    }
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'WebKitGTK\'s MiniBrowser is not installed (apt-get install webkit2gtk-driver; ' +
        '`cargo xtask test` installs it), or set MINIBROWSER',
    );
  }
  return found;
}

/** A free TCP port on the loopback interface (WebKitWebDriver takes no port 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The PIDs of the processes `pid` started (Linux's /proc), and theirs, depth first. */
function descendants(pid) {
  let tasks = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children = tasks.flatMap((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends a WebDriver server and the browser it started, by their PIDs: a driver whose session
 * died with its page (a crash) may leave its browser running, which would also hold the
 * driver's output pipes open and keep node from exiting.
 */
async function endDriver(driver) {
  const started = driver.pid === undefined ? [] : descendants(driver.pid);
  await ended(driver);
  for (const pid of started.filter(alive)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Gone meanwhile.
    }
  }
  const deadline = Date.now() + 5_000;
  while (started.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pid of started.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  driver.stdout?.destroy();
  driver.stderr?.destroy();
}

/** The exit of `child`: ends it first (SIGTERM, then SIGKILL after 5 s) if it still runs. */
function ended(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * An X display for WebKit: `DISPLAY` when set, else an `Xvfb` of our own on a display number
 * it picks itself (`-displayfd`), to be ended with `close()`.
 */
async function xDisplay(logs) {
  if (process.env.DISPLAY) return { display: process.env.DISPLAY, close: async () => {} };
  const { child, line } = await startAndReadLine(
    'Xvfb',
    ['-displayfd', '1', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    'xvfb',
    logs,
  );
  return { display: `:${line}`, close: () => ended(child) };
}

/** A D-Bus session bus for WebKit: `DBUS_SESSION_BUS_ADDRESS` when set, else one of our own. */
async function sessionBus(logs) {
  const given = process.env.DBUS_SESSION_BUS_ADDRESS;
  if (given) return { address: given, close: async () => {} };
  const { child, line } = await startAndReadLine(
    'dbus-daemon',
    ['--session', '--nofork', '--print-address=1'],
    'dbus-daemon',
    logs,
  );
  return { address: line, close: () => ended(child) };
}

/** Starts `program`, waits for the first line it prints (its display, its address…). */
async function startAndReadLine(program, args, debianPackage, logs) {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const line = await new Promise((resolve, reject) => {
      let seen = '';
      child.stdout.on('data', (chunk) => {
        seen += chunk;
        const match = /^([^\n]+)\n/.exec(seen);
        if (match) resolve(match[1].trim());
      });
      child.stderr.on('data', (c) => logs.push(String(c)));
      child.once('error', (e) =>
        reject(new Error(`cannot start ${program} (apt-get install ${debianPackage}; \`cargo xtask test\` installs it): ${e.message}`)),
      );
      child.once('exit', (code) => reject(new Error(`${program} exited (${code}): ${logs.join('')}`)));
      setTimeout(() => reject(new Error(`${program} said nothing within 30 s`)), 30_000).unref();
    });
    return { child, line };
  } catch (error) {
    await ended(child);
    throw error;
  }
}

async function launchWebKit(name, { imageCapture }) {
  const logs = [];
  const binary = miniBrowserPath();
  const x = await xDisplay(logs);
  let bus;
  let driver;
  try {
    bus = await sessionBus(logs);
    const port = await freePort();
    driver = spawn(process.env.WEBKITWEBDRIVER ?? 'WebKitWebDriver', [`--port=${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DISPLAY: x.display, DBUS_SESSION_BUS_ADDRESS: bus.address },
    });
    driver.stdout.on('data', (c) => logs.push(String(c)));
    driver.stderr.on('data', (c) => logs.push(String(c)));
    const base = `http://127.0.0.1:${port}`;
    await new Promise((resolve, reject) => {
      driver.once('error', (e) =>
        reject(new Error(`cannot start WebKitWebDriver (apt-get install webkit2gtk-driver): ${e.message}`)),
      );
      driver.once('exit', (code) => reject(new Error(`WebKitWebDriver exited (${code}): ${logs.join('')}`)));
      const started = Date.now();
      const poll = () =>
        fetch(`${base}/status`).then(resolve, () => {
          if (Date.now() - started > 30_000) reject(new Error('WebKitWebDriver did not start within 30 s'));
          else setTimeout(poll, 50);
        });
      poll();
    });
    return await webDriverSession({
      name,
      base,
      logs,
      errors: [],
      // See the top of this file: the page's errors as far as a script can see them.
      recorder: RECORD_ERRORS,
      capabilities: {
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': {
          binary,
          args: [
            '--automation',
            '--enable-media-stream=true',
            '--enable-mock-capture-devices=true',
            // The page's console in WebKitWebDriver's output (shown when a case fails).
            '--enable-write-console-messages-to-stdout=true',
            `--features=+MockCaptureDevices${imageCapture ? ',+ImageCapture' : ',-ImageCapture'}`,
          ],
        },
      },
      async cleanup() {
        await endDriver(driver);
        await bus.close();
        await x.close();
      },
    });
  } catch (error) {
    if (driver) await endDriver(driver);
    await bus?.close();
    await x.close();
    throw error;
  }
}

/** WebDriver's codes for the keys the tests press. */
const KEYS = { Home: '\uE011', End: '\uE010', ArrowLeft: '\uE012', ArrowRight: '\uE014' };
/** The key WebDriver gives element references under. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * Records what the page logs as an error, or throws, from now on, in `window.__driverErrors`
 * (drained by `run()`); `console.error` still logs. Installed once per page.
 */
const RECORD_ERRORS = `(() => {
  if (window.__driverErrors) return;
  const errors = (window.__driverErrors = []);
  const text = (value) => (value instanceof Error ? value.message : String(value));
  const log = console.error;
  console.error = function error(...parts) {
    errors.push('console.error: ' + parts.map(text).join(' '));
    return log.apply(this, parts);
  };
  addEventListener('error', (event) => errors.push('uncaught: ' + (event.error ? text(event.error) : event.message)));
  addEventListener('unhandledrejection', (event) => errors.push('uncaught: ' + text(event.reason)));
})()`;

/**
 * A WebDriver session on the driver at `base`, as a browser of this module; `cleanup` ends the
 * driver (and whatever else was started for it) after the session. `started(session)` runs once
 * the session is there (Firefox: the BiDi connection); `recorder`, a script that starts
 * recording the page's errors in `window.__driverErrors`, is run after every navigation
 * (WebKit: no other way to the page's console); `screenshotPath`, the driver's own full-page
 * screenshot command, if it has one.
 */
async function webDriverSession({
  name,
  base,
  logs,
  errors,
  capabilities,
  started,
  recorder,
  screenshotPath = 'screenshot',
  cleanup,
}) {
  async function call(method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A hung driver fails the call instead of stalling the run.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const json = await response.json();
    if (!response.ok || (json.value && json.value.error)) {
      const v = json.value ?? {};
      throw new Error(`WebDriver ${method} ${path}: ${v.error}: ${v.message}${v.stacktrace ? `\n${v.stacktrace}` : ""}`);
    }
    return json.value;
  }

  let id;
  let version;
  try {
    const session = await call('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    id = session.sessionId;
    version = `${session.capabilities.browserName} ${session.capabilities.browserVersion}`;
    await started?.(session);
    await call('POST', `/session/${id}/timeouts`, { script: SCRIPT_TIMEOUT_MS, pageLoad: 30_000 });
    await call('POST', `/session/${id}/window/rect`, VIEWPORT);
  } catch (error) {
    if (id) await call('DELETE', `/session/${id}`).catch(() => {});
    await cleanup();
    throw error;
  }

  async function find(selector) {
    const found = await call('POST', `/session/${id}/element`, { using: 'css selector', value: selector });
    return found[ELEMENT];
  }

  return {
    name,
    version,
    logs,
    errors,
    async open(url) {
      await call('POST', `/session/${id}/url`, { url });
      if (recorder) await call('POST', `/session/${id}/execute/sync`, { script: recorder, args: [] });
    },
    async run(expression) {
      // The last argument of an async script is its completion callback. A rejection becomes
      // a value here and is rethrown in node, so WebDriver's own error never hides it.
      // (`thrown`, not `error`: a result with an `error` member reads as the driver's own.)
      const script = `const done = arguments[arguments.length - 1];
        const recorded = () => (window.__driverErrors ? window.__driverErrors.splice(0) : []);
        Promise.resolve().then(() => (${expression})).then(
          (value) => done({ ok: true, value, recorded: recorded() }),
          (error) => done({ ok: false, thrown: String(error) + (error && error.stack ? '\\n' + error.stack : ''), recorded: recorded() }));`;
      const out = await call('POST', `/session/${id}/execute/async`, { script, args: [] });
      errors.push(...(out.recorded ?? []));
      if (!out.ok) throw new Error(out.thrown);
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
      return Buffer.from(await call('GET', `/session/${id}/${screenshotPath}`), 'base64');
    },
    async close() {
      try {
        await call('DELETE', `/session/${id}`);
      } finally {
        await cleanup();
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

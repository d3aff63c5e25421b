// Headless browsers with fake cameras, behind one small interface:
//
//   const browser = await launch('chromium' | 'firefox' | 'webkit-…', { prefs });
//   await browser.open(url);                 // navigate, wait for the load event
//   const value = await browser.run(expr);   // evaluate a JS expression in the page, await it
//   await browser.close();
//
// Chromium goes through playwright-core (its own Chromium at /usr/bin/chromium, never a
// downloaded one); Firefox through geckodriver and WebKit (WebKitGTK's MiniBrowser, Safari's
// engine) through WebKitWebDriver, both spoken to as plain WebDriver over HTTP.
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
import { createServer } from 'node:net';

/** Per-call bound for `run`: every case settles well within it (grabFrame's own bound is 5 s). */
const SCRIPT_TIMEOUT_MS = 60_000;

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
 * @param {{ prefs?: Record<string, unknown> }} [options] extra Firefox preferences
 */
export async function launch(name, options = {}) {
  if (name === 'chromium') return launchChromium();
  if (name === 'firefox') return launchFirefox(options.prefs ?? {});
  if (name in WEBKIT_SHAPES) return launchWebKit(name, WEBKIT_SHAPES[name]);
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
  return webDriverSession({
    name: 'firefox',
    base: `http://127.0.0.1:${port}`,
    logs,
    capabilities: {
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
    async cleanup() {
      await endDriver(driver);
      await rm(profileRoot, { recursive: true, force: true });
    },
  });
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

/**
 * A WebDriver session on the driver at `base`, as a browser of this module; `cleanup` ends the
 * driver (and whatever else was started for it) after the session.
 */
async function webDriverSession({ name, base, logs, capabilities, cleanup }) {
  async function call(method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok || (json.value && json.value.error)) {
      const v = json.value ?? {};
      throw new Error(`WebDriver ${method} ${path}: ${v.error}: ${v.message}${v.stacktrace ? `\n${v.stacktrace}` : ""}`);
    }
    return json.value;
  }

  let session;
  try {
    session = await call('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
  } catch (error) {
    await cleanup();
    throw error;
  }
  const id = session.sessionId;
  await call('POST', `/session/${id}/timeouts`, { script: SCRIPT_TIMEOUT_MS, pageLoad: 30_000 });

  return {
    name,
    logs,
    async open(url) {
      await call('POST', `/session/${id}/url`, { url });
    },
    async run(expression) {
      // The last argument of an async script is its completion callback. A rejection becomes
      // a value here and is rethrown in node, so WebDriver's own error never hides it.
      // (`thrown`, not `error`: a result with an `error` member reads as the driver's own.)
      const script = `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${expression})).then(
          (value) => done({ ok: true, value }),
          (error) => done({ ok: false, thrown: String(error) + (error && error.stack ? '\\n' + error.stack : '') }));`;
      const out = await call('POST', `/session/${id}/execute/async`, { script, args: [] });
      if (!out.ok) throw new Error(out.thrown);
      return out.value;
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

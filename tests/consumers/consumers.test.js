// The packed npm package as its users get it: `npm install` of the tarball (IMAGECAPTURE_TARBALL,
// made by `npm pack` of pkg/; `cargo xtask consumers` makes it and runs this file) into small
// apps in a scratch folder outside the work tree, each built the way its users build:
//
// - `vite`: `vite build` with no config (Vite's defaults);
// - `webpack`: a webpack 5 production build with its defaults (apps/webpack/webpack.config.js);
// - `plain`: no bundler, the installed `dist/` served as it is, bare specifiers mapped by an
//   import map (pkg/README.md's "In a plain page");
// - `types`: `tsc --noEmit --strict` of a file that uses every type the package exports
//   (apps/types/check.ts), with TypeScript's `bundler` and `nodenext` module resolution.
//
// The three pages are served on http://localhost and run in headless Chromium and Firefox with
// fake cameras (pkg/test/browsers.js): each takes a photo and a frame through the default entry
// and through the polyfill entry, and the page must have fetched exactly one `.wasm`, the one the
// bundler emitted, byte for byte the package's.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { launch } from '../../pkg/test/browsers.js';
import { serve } from '../../pkg/test/server.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const TOOLS = join(HERE, 'node_modules');
const TARBALL = process.env.IMAGECAPTURE_TARBALL;
/** `IMAGECAPTURE_CONSUMER_BROWSERS=chromium` (or empty: builds and types only), for a quicker look. */
const BROWSERS = (process.env.IMAGECAPTURE_CONSUMER_BROWSERS ?? 'chromium,firefox').split(',').filter(Boolean);
/** The pages run in the browsers; `types` is only type-checked. */
const PAGES = ['vite', 'webpack', 'plain'];
/** The default entry's WebAssembly, inside the installed package. */
const PACKAGE_WASM = join('node_modules', 'imagecapture', 'dist', 'imagecapture_js_bg.wasm');

if (!TARBALL || !existsSync(TARBALL)) {
  test('the packed package is given', () => {
    assert.fail(`IMAGECAPTURE_TARBALL (${TARBALL}) names no tarball: run \`cargo xtask consumers\``);
  });
} else {
  consumers();
}

/** Runs `program args` in `cwd`, bounded; its output only when it fails. */
function run(program, args, cwd, timeout = 180_000) {
  const out = spawnSync(program, args, { cwd, encoding: 'utf8', timeout });
  const shown = `${program} ${args.join(' ')} (in ${cwd})`;
  if (out.error) throw new Error(`${shown}: ${out.error.message}`);
  if (out.status !== 0) {
    throw new Error(`${shown} failed (${out.status ?? out.signal}):\n${out.stdout}\n${out.stderr}`);
  }
  return out.stdout;
}

/** Every file below `dir` whose name ends with `suffix`, relative to `dir`. */
function filesEndingWith(dir, suffix) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(suffix) && !f.split(/[\\/]/).includes('node_modules'));
}

/** A copy of apps/`name` (and app.js as its src/main.js) with the tarball installed. */
function makeApp(scratch, name) {
  const dir = join(scratch, name);
  cpSync(join(HERE, 'apps', name), dir, { recursive: true });
  if (PAGES.includes(name)) cpSync(join(HERE, 'app.js'), join(dir, 'src', 'main.js'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }, null, 2),
  );
  // `--offline`: the package has no dependencies, so nothing may come from the registry.
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', TARBALL], dir);
  return dir;
}

/** Builds the app in `dir`; the folder to serve at `/`, and the wasm files the build emitted. */
async function build(name, dir) {
  if (name === 'vite') {
    const { build: viteBuild } = await import(pathToFileURL(join(TOOLS, 'vite', 'dist', 'node', 'index.js')));
    await viteBuild({ root: dir, configFile: false, logLevel: 'warn' });
    const out = join(dir, 'dist');
    return { mounts: [['/', out]], emitted: filesEndingWith(out, '.wasm').map((f) => join(out, f)) };
  }
  if (name === 'webpack') {
    const { default: webpack } = await import(pathToFileURL(join(TOOLS, 'webpack', 'lib', 'index.js')));
    const { default: config } = await import(pathToFileURL(join(dir, 'webpack.config.js')));
    const stats = await new Promise((resolve, reject) =>
      webpack(config, (error, result) => (error ? reject(error) : resolve(result))),
    );
    if (stats.hasErrors() || stats.hasWarnings()) {
      throw new Error(`webpack:\n${stats.toString({ all: false, errors: true, warnings: true })}`);
    }
    const out = join(dir, 'dist');
    return { mounts: [['/', dir]], emitted: filesEndingWith(out, '.wasm').map((f) => join(out, f)) };
  }
  // plain: the package's own files, served from where npm installed them; the default entry's
  // WebAssembly is the one the page should load.
  const installed = join(dir, 'node_modules', 'imagecapture');
  const dist = join(installed, 'dist');
  return {
    mounts: [
      ['/node_modules/imagecapture/', installed],
      ['/', dir],
    ],
    emitted: readdirSync(dist).filter((f) => f.endsWith('.wasm')).map((f) => join(dist, f)),
  };
}

function consumers() {
  let scratch;
  const apps = new Map();

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'imagecapture-consumers-'));
  });
  after(async () => {
    for (const app of apps.values()) await app.server?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  describe('types: tsc --strict of a file using every exported type', () => {
    let dir;
    before(() => {
      dir = makeApp(scratch, 'types');
    });
    const tsc = join(TOOLS, 'typescript', 'bin', 'tsc');
    test('moduleResolution bundler', () => {
      run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
    });
    test('moduleResolution nodenext', () => {
      run(process.execPath, [tsc, '-p', 'tsconfig.json', '--module', 'nodenext', '--moduleResolution', 'nodenext'], dir);
    });
  });

  describe('builds from the tarball', () => {
    for (const name of PAGES) {
      test(`${name}: builds, and emits the package's .wasm as it is`, { timeout: 300_000 }, async (t) => {
        const dir = makeApp(scratch, name);
        const { mounts, emitted } = await build(name, dir);
        assert.equal(emitted.length, 1, `${name} should emit one .wasm (the default entry's, not zoom's): ${emitted.join(', ') || 'none'}`);
        assert.ok(
          readFileSync(emitted[0]).equals(readFileSync(join(dir, PACKAGE_WASM))),
          `${emitted[0]} is not the package's ${PACKAGE_WASM}`,
        );
        t.diagnostic(`emitted ${emitted[0].slice(dir.length + 1)}`);
        apps.set(name, { server: await serve({ mounts }), wasm: basename(emitted[0]) });
      });
    }
  });

  for (const browserName of BROWSERS) {
    describe(`${browserName}: a photo and a frame through both entries`, () => {
      let browser;
      before(async () => {
        browser = await launch(browserName);
      });
      after(async () => {
        await browser?.close();
      });
      for (const name of PAGES) {
        test(name, { timeout: 120_000 }, async (t) => {
          const app = apps.get(name);
          assert.ok(app, `${name} was not built (see above)`);
          const withLogs = (message) => `${message}\n--- browser log ---\n${browser.logs.slice(-20).join('\n')}`;
          await browser.open(`${app.server.origin}/`);
          // The module may still be loading (its top-level await compiles the WebAssembly).
          const ready = await browser.run(`(async () => {
            for (let i = 0; i < 600 && document.documentElement.dataset.consumer !== 'ready'; i += 1) {
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
            return document.documentElement.dataset.consumer === 'ready';
          })()`);
          assert.ok(ready, withLogs(`${name}: the app's module did not run within 30 s`));
          let result;
          try {
            result = await browser.run('window.consumerRun()');
          } catch (error) {
            assert.fail(withLogs(`${name}: ${error.message}`));
          }
          t.diagnostic(JSON.stringify(result));
          for (const [entry, shot] of Object.entries({ default: result.viaDefault, polyfill: result.viaPolyfill })) {
            assert.ok(shot.photo.isBlob && /^image\/(jpeg|png)$/.test(shot.photo.type) && shot.photo.size > 0,
              `${entry} entry: the photo is ${JSON.stringify(shot.photo)}`);
            assert.ok(shot.frame.isBitmap && shot.frame.width > 0 && shot.frame.height > 0,
              `${entry} entry: the frame is ${JSON.stringify(shot.frame)}`);
          }
          assert.ok(result.viaPolyfill.hasAllMethods, 'after imagecapture/polyfill the global ImageCapture lacks a method');
          assert.equal(result.wasm.length, 1, `the page should fetch one .wasm, fetched: ${result.wasm.join(', ') || 'none'}`);
          assert.equal(basename(new URL(result.wasm[0]).pathname), app.wasm, 'the page fetched another .wasm than the one emitted');
          assert.deepEqual(browser.errors, [], withLogs('the page logged errors'));
        });
      }
    });
  }
}

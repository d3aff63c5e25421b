// Runs the benchmark page (index.html + bench.js) headless in Chromium, Firefox and WebKit with
// their fake cameras and writes every figure as tab-separated rows `browser impl metric value`,
// which `cargo xtask bench` turns into BENCHMARKS.md.
//
//   node www/bench/run.js [--out FILE] [--dist DIR] [--browsers chromium,firefox,webkit] [--quick]
//
// Needs the built package (`cargo xtask pkg`: pkg/dist/, or a copy of it given with --dist:
// `cargo xtask bench` serves a snapshot, since others may rebuild pkg/dist/ meanwhile), pkg's
// devDependencies (playwright-core, for Chromium), geckodriver (for Firefox), webkit2gtk-driver
// (for WebKit, with an X display and a D-Bus session bus: `cargo xtask bench` gives it its own)
// and this folder's own devDependency (`npm ci` here: the old polyfill). The browsers are
// launched by pkg/test/browsers.js (WebKit: its `webkit-native` shape, WebKit's own ImageCapture
// on, as in Safari 26) and the page is served by pkg/test/server.js, the package tests' own.

import { writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launch } from '../../pkg/test/browsers.js';
import { serve } from '../../pkg/test/server.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = join(HERE, '..', '..');

/** The browsers measured, and what pkg/test/browsers.js launches for each. */
const BROWSERS = { chromium: 'chromium', firefox: 'firefox', webkit: 'webkit-native' };

/** URL prefix → folder. The page imports `/dist/index.js` and the old polyfill's module. */
function mounts(dist) {
  return [
    ['/dist/', dist],
    ['/vendor/image-capture/', join(HERE, 'node_modules', 'image-capture')],
    ['/', HERE],
  ];
}

function parseArgs(argv) {
  const options = { out: null, dist: join(REPO, 'pkg', 'dist'), browsers: Object.keys(BROWSERS), quick: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--out') options.out = argv[++i];
    else if (arg === '--dist') options.dist = resolve(argv[++i]);
    else if (arg === '--browsers') options.browsers = argv[++i].split(',').filter(Boolean);
    else if (arg === '--quick') options.quick = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  const unknown = options.browsers.filter((b) => !(b in BROWSERS));
  if (unknown.length > 0) throw new Error(`unknown browsers ${unknown.join(', ')}: ${Object.keys(BROWSERS).join(', ')}`);
  return options;
}

/**
 * How much is measured: at least the issue's minimums (≥ 100 grabFrame calls on demand and, at
 * 20–30 fps, ≥ 100 back to back in 5 × 1.2 s; ≥ 15 takePhoto calls), in alternating blocks.
 */
function plan(quick) {
  return quick
    ? { coldReps: 2, grabRounds: 2, grabCalls: 10, burstMs: 600, photoRounds: 1, photoCalls: 4, cameraMs: 1000 }
    : { coldReps: 5, grabRounds: 5, grabCalls: 20, burstMs: 1200, photoRounds: 3, photoCalls: 6, cameraMs: 3000 };
}

// ---------------------------------------------------------------------------------------------
// Statistics

const sorted = (xs) => [...xs].sort((a, b) => a - b);
/** Nearest-rank percentile `p` (0–100) of `xs`. */
function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const median = (xs) => percentile(xs, 50);

/** `[a, b, c]` rotated left by `k`: the order of the implementations in round `k`. */
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);

const log = (...parts) => console.error(...parts);

// ---------------------------------------------------------------------------------------------

async function benchBrowser(name, origin, p, rows) {
  const put = (impl, metric, value) => rows.push([name, impl, metric, value]);
  const prefs = name === 'firefox' ? { 'privacy.reduceTimerPrecision': false } : {};
  const browser = await launch(BROWSERS[name], { prefs });
  try {
    put('browser', 'version', browser.version ?? '?');
    const page = `${origin}/index.html`;
    await browser.open(page);
    const impls = await browser.run('window.__bench.available()');
    log(`${name}: implementations ${impls.join(', ')}`);

    // Cold start: a fresh page load per sample, implementations alternating.
    const cold = Object.fromEntries(impls.map((i) => [i, { import: [], firstFrame: [], total: [] }]));
    for (let rep = 0; rep < p.coldReps; rep += 1) {
      for (const impl of rotate(impls, rep)) {
        await browser.open(`${page}?cold=${impl}&rep=${rep}`);
        const r = await browser.run(`window.__bench.cold(${JSON.stringify(impl)})`);
        for (const key of Object.keys(cold[impl])) cold[impl][key].push(r[key]);
      }
    }
    for (const impl of impls) {
      put(impl, 'cold_ms', median(cold[impl].total));
      put(impl, 'cold_import_ms', median(cold[impl].import));
      put(impl, 'cold_first_frame_ms', median(cold[impl].firstFrame));
      put(impl, 'cold_n', cold[impl].total.length);
    }
    log(`${name}: cold start done`);

    // Everything else in one page load, on one track.
    await browser.open(page);
    const info = await browser.run('window.__bench.setup()');
    put('browser', 'user_agent', info.userAgent);
    put('browser', 'timer_resolution_ms', info.timerResolution);
    put('browser', 'cross_origin_isolated', String(info.crossOriginIsolated));
    put('browser', 'track', `${info.track.width}x${info.track.height} @ ${info.track.frameRate} fps (${info.track.label})`);
    const cam = await browser.run(`window.__bench.camera({ ms: ${p.cameraMs}, calls: 15 })`);
    for (const [key, value] of Object.entries(cam)) put('browser', `camera_${key}`, value);

    // Warm-up, not measured: every implementation's first calls.
    for (const impl of impls) {
      await browser.run(`window.__bench.grab(${JSON.stringify(impl)}, { calls: 0, warm: 10 })`);
      await browser.run(`window.__bench.photo(${JSON.stringify(impl)}, { calls: 0, warm: 2 })`);
    }

    // The plain-JS reference joins the rotation where it means something: it does not wait for
    // a new frame, so back to back it would only repeat frames.
    const refs = info.references;
    for (const ref of refs) {
      await browser.run(`window.__bench.grab(${JSON.stringify(ref)}, { calls: 0, warm: 10 })`);
      await browser.run(`window.__bench.photo(${JSON.stringify(ref)}, { calls: 0, warm: 2 })`);
    }
    for (const mode of ['demand', 'burst']) {
      const runs = mode === 'demand' ? [...impls, ...refs] : impls;
      const acc = Object.fromEntries(runs.map((i) => [i, { times: [], dups: 0, fails: 0, wall: 0, sizes: new Set() }]));
      for (let round = 0; round < p.grabRounds; round += 1) {
        for (const impl of rotate(runs, round)) {
          const options = mode === 'demand'
            ? { calls: p.grabCalls, warm: 2, mode, seed: round + 1 }
            : { ms: p.burstMs, warm: 2, mode };
          const r = await browser.run(`window.__bench.grab(${JSON.stringify(impl)}, ${JSON.stringify(options)})`);
          const a = acc[impl];
          a.times.push(...r.times);
          a.dups += r.duplicates;
          a.fails += r.failures;
          a.wall += r.wall;
          r.sizes.forEach((s) => a.sizes.add(s));
        }
      }
      for (const impl of runs) {
        const a = acc[impl];
        put(impl, `grab_${mode}_median_ms`, median(a.times));
        put(impl, `grab_${mode}_p95_ms`, percentile(a.times, 95));
        put(impl, `grab_${mode}_n`, a.times.length);
        put(impl, `grab_${mode}_duplicates`, a.dups);
        put(impl, `grab_${mode}_failures`, a.fails);
        put(impl, `grab_${mode}_sizes`, [...a.sizes].join(' '));
        if (mode === 'burst') {
          const seconds = a.wall / 1000;
          put(impl, 'grab_burst_fps', (a.times.length - a.dups) / seconds);
          put(impl, 'grab_burst_calls_per_s', a.times.length / seconds);
        }
      }
      log(`${name}: grabFrame (${mode}) done`);
    }

    // takePhoto: each implementation's default, plus ours asked for PNG (what the other two give).
    const variants = [
      ...[...impls, ...refs].map((impl) => [impl, impl, null]),
      ['ours_png', 'ours', { type: 'image/png' }],
      ...refs.map((ref) => [`${ref}_png`, ref, { type: 'image/png' }]),
    ];
    const photos = Object.fromEntries(variants.map(([v]) => [v, { times: [], fails: 0, types: new Set(), sizes: new Set(), bytes: [] }]));
    for (let round = 0; round < p.photoRounds; round += 1) {
      for (const [variant, impl, settings] of rotate(variants, round)) {
        const options = { calls: p.photoCalls, warm: 1, settings };
        const r = await browser.run(`window.__bench.photo(${JSON.stringify(impl)}, ${JSON.stringify(options)})`);
        const a = photos[variant];
        a.times.push(...r.times);
        a.fails += r.failures;
        a.bytes.push(...r.bytes);
        r.types.forEach((t) => a.types.add(t));
        r.sizes.forEach((s) => a.sizes.add(s));
      }
    }
    for (const [variant] of variants) {
      const a = photos[variant];
      put(variant, 'photo_median_ms', median(a.times));
      put(variant, 'photo_p95_ms', percentile(a.times, 95));
      put(variant, 'photo_n', a.times.length);
      put(variant, 'photo_failures', a.fails);
      put(variant, 'photo_type', [...a.types].join(' '));
      put(variant, 'photo_size', [...a.sizes].join(' '));
      put(variant, 'photo_bytes', median(a.bytes));
    }
    log(`${name}: takePhoto done`);
  } catch (error) {
    const logs = browser.logs.slice(-30).join('\n');
    throw new Error(`${name}: ${error.message}${logs ? `\n--- browser log ---\n${logs}` : ''}`);
  } finally {
    await browser.close();
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(join(options.dist, 'index.js'))) {
    throw new Error(`${options.dist} has no index.js: run \`cargo xtask pkg\` first`);
  }
  if (!existsSync(join(HERE, 'node_modules', 'image-capture', 'src', 'imagecapture.js'))) {
    throw new Error('the old polyfill is missing: run `npm ci` in www/bench/');
  }
  const p = plan(options.quick);
  // Cross-origin isolated, for the finest timers each browser gives a page: 5 µs in Chromium,
  // 20 µs in Firefox and WebKit, instead of 100 µs, 1 ms and 1 ms (Firefox also gets 20 µs from
  // privacy.reduceTimerPrecision off, below).
  const server = await serve({
    mounts: mounts(options.dist),
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  });
  const rows = [];
  try {
    for (const name of options.browsers) {
      const started = Date.now();
      await benchBrowser(name, server.origin, p, rows);
      log(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    await server.close();
  }
  const text = rows
    .map((row) => row.map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v).replace(/[\t\n]/g, ' '))).join('\t'))
    .join('\n');
  if (options.out) {
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, `${text}\n`);
  } else {
    process.stdout.write(`${text}\n`);
  }
}

main().catch((error) => {
  console.error(error?.stack ?? error);
  process.exit(1);
});

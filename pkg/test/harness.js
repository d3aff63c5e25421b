// The test page's side: prepares the scenario named in the URL, loads the package as a web
// developer would, and runs cases on request from node (`__harness.run(name)`), each answering
// `{ ok: true }` or `{ ok: false, message }`.

import { plan, prepareBrowser, Failure } from './cases.js';

const params = new URLSearchParams(location.search);
const browser = params.get('browser');
const scenario = plan(browser).find((s) => s.id === params.get('scenario'));

/** Tracks a case opened, stopped after it so the next case starts clean. */
const opened = [];

async function camera() {
  const stream = await navigator.mediaDevices.getUserMedia({ video: true });
  const [track] = stream.getVideoTracks();
  opened.push(track);
  return track;
}

const ctx = { browser, camera };

async function setup() {
  if (!scenario) throw new Error(`no scenario ${params.get('scenario')} for ${browser}`);
  // The browser's shape (Safari 18.x: no grabFrame), then the scenario's own preparation; then
  // what the browser had before the package loads (and before anything is patched).
  prepareBrowser(browser);
  scenario.prepare?.();
  const Native = globalThis.ImageCapture;
  ctx.original = {
    ImageCapture: Native,
    methods: Object.fromEntries(
      ['takePhoto', 'getPhotoCapabilities', 'getPhotoSettings', 'grabFrame'].map((m) => [
        m,
        Native?.prototype?.[m],
      ]),
    ),
  };
  await scenario.setup(ctx);
  // The generated module, for the hidden panic trigger (same URL, so the same instance).
  ctx.glue = await import('../dist/imagecapture_js.js');
}

const ready = setup();

async function run(name) {
  try {
    await ready;
    const testCase = scenario.cases.find((c) => c.name === name);
    if (!testCase) throw new Error(`no case ${JSON.stringify(name)} in ${scenario.id}`);
    await testCase.run(ctx);
    return { ok: true };
  } catch (error) {
    const message =
      error instanceof Failure
        ? error.message
        : `${error instanceof DOMException ? `DOMException ${error.name}` : error?.constructor?.name}: ${error?.message}\n${error?.stack ?? ''}`;
    return { ok: false, message };
  } finally {
    for (const track of opened.splice(0)) track.stop();
  }
}

window.__harness = { ready: ready.then(() => true), run };

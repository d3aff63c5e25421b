// The demo page (www/) end to end, used as a person would use it, in headless Chromium and
// Firefox with their fake cameras: wait for the camera, press Grab frame and Take photo, move
// the photo-resolution slider and a camera control, and check what is on screen (canvases with
// real pixels at the right size, the right badges, the panel following the camera, no error),
// then save a screenshot of the page to artifacts/ and check that it is not blank.
//
// Run by `cargo xtask test` (demo::e2e serves the page on a free port and passes its origin), or
// by hand against a running `cargo xtask demo`:
//
//   DEMO_ORIGIN=http://localhost:8000 node --test tests/e2e/demo.test.js

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { launch } from './browsers.js';
import { decodePng, summarise } from './png.js';

const ORIGIN = process.env.DEMO_ORIGIN;
const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));
const METHODS = ['grabFrame', 'takePhoto', 'getPhotoCapabilities', 'getPhotoSettings'];
/** The image-capture constraints, each of which gets a control when the track reports it. */
const CONSTRAINTS = [
  'whiteBalanceMode', 'exposureMode', 'focusMode', 'exposureCompensation', 'exposureTime',
  'colorTemperature', 'iso', 'brightness', 'contrast', 'saturation', 'sharpness',
  'focusDistance', 'pan', 'tilt', 'zoom', 'torch',
];

/**
 * The page in each browser, and what a person should see there (TOOLCHAIN.md's facts about the
 * fake cameras).
 */
const RUNS = [
  {
    browser: 'chromium',
    path: '/',
    screenshot: 'demo-chromium.png',
    // Chromium ships all four methods: the package keeps every one.
    source: 'browser',
    // Chromium's own takePhoto() ignores imageWidth/imageHeight on its fake camera: the photo
    // is always the capture size (640×480). The page says so; the `?ours` run below checks the
    // slider with the package's takePhoto() in the same browser.
    photoFollowsSlider: false,
    controls: ['exposureMode', 'focusMode', 'exposureTime', 'focusDistance'],
  },
  {
    browser: 'chromium',
    path: '/?ours',
    screenshot: 'demo-chromium-ours.png',
    source: 'ours',
    photoFollowsSlider: true,
    controls: ['exposureMode', 'focusMode', 'exposureTime', 'focusDistance'],
  },
  {
    browser: 'firefox',
    path: '/',
    screenshot: 'demo-firefox.png',
    // Firefox has no ImageCapture of its own: the package supplies every method.
    source: 'ours',
    photoFollowsSlider: true,
    // Firefox's track reports no image-capture capability at all.
    controls: [],
  },
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `expression` in the page until it is truthy; returns its value. */
async function waitFor(browser, expression, what, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await browser.run(expression);
    if (value) return value;
    if (Date.now() > deadline) {
      const problem = await browser.run(
        "document.getElementById('problem').hidden ? '' : document.getElementById('problem-text').textContent",
      );
      throw new Error(`timed out waiting for ${what}${problem ? `; the page says: ${problem}` : ''}`);
    }
    await sleep(100);
  }
}

const text = (id) => `document.getElementById(${JSON.stringify(id)}).textContent`;

/**
 * A canvas as a glance sees it: its size, the share of its pixels that are drawn (opaque: a
 * canvas nothing was drawn on is transparent) and lit (not black: a camera that delivers
 * nothing gives black frames), and how many colours it has.
 */
const canvasSummary = (id) => `(() => {
  const canvas = document.getElementById(${JSON.stringify(id)});
  const { width, height } = canvas;
  if (width === 0 || height === 0) return { width, height, opaque: 0, lit: 0, colours: 0 };
  const { data } = canvas.getContext('2d').getImageData(0, 0, width, height);
  let opaque = 0;
  let lit = 0;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 255) opaque += 1;
    if (Math.max(data[i], data[i + 1], data[i + 2]) > 32) lit += 1;
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  }
  const pixels = width * height;
  return { width, height, opaque: opaque / pixels, lit: lit / pixels, colours: colours.size };
})()`;

/**
 * A camera picture drawn in full: every pixel painted, mostly not black, and, for a whole
 * frame, more than a flat fill (both fake cameras draw a timer or frame counter on theirs; a
 * crop of Firefox's, which is one colour elsewhere, can be flat).
 */
function assertPicture(summary, what, { wholeFrame }) {
  const shown = JSON.stringify(summary);
  assert.equal(summary.opaque, 1, `${what}: every pixel is drawn (${shown})`);
  assert.ok(summary.lit > 0.5, `${what}: a picture, not black (${shown})`);
  if (wholeFrame) assert.ok(summary.colours > 1, `${what}: a picture, not one flat colour (${shown})`);
}

/** Presses Take photo and waits for the new photo's caption. @returns {Promise<string>} */
async function takePhoto(browser) {
  const before = await browser.run(text('photo-caption'));
  await browser.click('#take');
  return waitFor(
    browser,
    `(() => { const t = ${text('photo-caption')}; return t !== ${JSON.stringify(before)} && t; })()`,
    'the photo',
  );
}

/** The `key: value` lines of one of the page's panels, as an object of raw value strings. */
async function panel(browser, id) {
  const lines = (await browser.run(text(id))).split('\n');
  return Object.fromEntries(lines.map((line) => [line.split(':')[0], line.slice(line.indexOf(':') + 2)]));
}

if (!ORIGIN) {
  test('the demo page is being served', () => {
    assert.fail(
      'DEMO_ORIGIN is not set: run this through `cargo xtask test`, or start `cargo xtask demo` ' +
        'and run DEMO_ORIGIN=http://localhost:8000 node --test tests/e2e/demo.test.js',
    );
  });
} else {
  for (const run of RUNS) describeRun(run);
  describeProblems();
  describeEveryControl();
}

function describeRun(run) {
  describe(`the demo page in ${run.browser} (${run.path})`, { timeout: 180_000 }, () => {
    let browser;
    before(async () => {
      browser = await launch(run.browser);
      await browser.open(`${ORIGIN}${run.path}`);
    });
    after(async () => {
      await browser?.close();
    });

    test('opens the camera and shows its live preview', async () => {
      await waitFor(browser, "!document.getElementById('grab').disabled", 'the camera to be ready');
      assert.match(await browser.run(text('status')), /^Camera ready: .+, 640×480\.$/);
      await waitFor(
        browser,
        "(() => { const v = document.getElementById('preview'); return v.readyState >= 2 && v.videoWidth === 640; })()",
        'the preview to play',
      );
    });

    test(`badges every method as ${run.source === 'browser' ? "the browser's own" : 'ours'}`, async () => {
      const badges = await browser.run(
        "[...document.querySelectorAll('#badges li')].map((li) => [li.dataset.method, li.querySelector('.badge').dataset.source, li.querySelector('.badge').textContent])",
      );
      const label = run.source === 'browser' ? "browser's own" : 'imagecapture (ours)';
      assert.deepEqual(
        badges,
        METHODS.map((method) => [method, run.source, label]),
      );
    });

    test('Grab frame draws a 640×480 frame of the camera', async () => {
      await browser.click('#grab');
      const caption = await waitFor(browser, `/^Frame: /.test(${text('frame-caption')}) && ${text('frame-caption')}`, 'the frame');
      assert.match(caption, /^Frame: 640×480, grabbed in \d+ ms\.$/);
      const frame = await browser.run(canvasSummary('frame'));
      assert.equal(`${frame.width}×${frame.height}`, '640×480');
      assertPicture(frame, 'the grabbed frame', { wholeFrame: true });
    });

    test('Take photo draws the photo at the width on the slider and offers it for download', async () => {
      const width = Number(await browser.run("document.getElementById('resolution').value"));
      assert.equal(width, 640, 'the slider starts at the current photo width');
      const caption = await takePhoto(browser);
      assert.match(caption, /^Photo: 640×480, image\/(png|jpeg), \d+ kB, taken in \d+ ms \(asked for imageWidth 640\)\.$/);
      const photo = await browser.run(canvasSummary('photo'));
      assert.equal(`${photo.width}×${photo.height}`, '640×480');
      assertPicture(photo, 'the photo', { wholeFrame: true });
      const link = await browser.run(
        "(() => { const a = document.getElementById('download'); return { hidden: a.hidden, href: a.href, name: a.download }; })()",
      );
      assert.equal(link.hidden, false);
      assert.match(link.href, /^blob:/);
      assert.match(link.name, /^photo-640x480\.(png|jpg)$/);
    });

    test(
      run.photoFollowsSlider
        ? "the photo's size follows the resolution slider"
        : "the slider moves, and the page says this takePhoto() ignored it",
      async () => {
        for (const key of ['Home', 'End']) {
          await browser.press('#resolution', key);
          const range = await browser.run(
            "(() => { const r = document.getElementById('resolution'); return { value: Number(r.value), min: Number(r.min), max: Number(r.max), shown: document.getElementById('resolution-value').textContent }; })()",
          );
          const wanted = key === 'Home' ? range.min : range.max;
          assert.equal(range.value, wanted, `${key} moves the slider to its end`);
          assert.equal(range.shown, `${wanted} px wide`);
          const caption = await takePhoto(browser);
          const photo = await browser.run(canvasSummary('photo'));
          if (run.photoFollowsSlider) {
            // The camera's 4:3 as far as the imageHeight capability allows (the package crops
            // beyond: 4096 wide on a camera of at most 2160 lines is 4096×2160).
            const { imageHeight } = await panel(browser, 'photo-capabilities');
            const { min, max } = JSON.parse(imageHeight);
            const height = Math.min(max, Math.max(min, Math.round((wanted * 480) / 640)));
            assert.equal(photo.width, wanted, `the photo is ${wanted} wide: ${caption}`);
            assert.ok(Math.abs(photo.height - height) <= 1, `the photo is ${height} high: ${caption}`);
            assert.match(caption, new RegExp(`\\(asked for imageWidth ${wanted}\\)\\.$`));
          } else {
            assert.equal(`${photo.width}×${photo.height}`, '640×480', caption);
            assert.match(caption, new RegExp(`\\(asked for imageWidth ${wanted}, but this takePhoto\\(\\) gave 640 px\\)\\.$`));
          }
          assertPicture(photo, `the photo at imageWidth ${wanted}`, { wholeFrame: false });
        }
      },
    );

    test('has a control for each image-capture capability of the track, and only those', async () => {
      const capabilities = await panel(browser, 'track-capabilities');
      const reported = CONSTRAINTS.filter((name) => name in capabilities);
      assert.deepEqual(reported, run.controls, 'the capabilities the fake camera reports');
      const controls = await browser.run(
        "[...document.querySelectorAll('#controls [data-constraint]')].map((c) => c.dataset.constraint)",
      );
      assert.deepEqual(controls, reported);
      const hidden = await browser.run("document.getElementById('controls-section').hidden");
      assert.equal(hidden, reported.length === 0, 'the controls section shows only with controls in it');
    });

    if (run.controls.includes('focusDistance')) {
      test('moving a control applies it, and the settings panel follows', async () => {
        const before = Number((await panel(browser, 'track-settings')).focusDistance);
        await browser.press('#control-focusDistance', 'ArrowRight');
        const wanted = before + 5; // the capability's step
        await waitFor(
          browser,
          `/^focusDistance: ${wanted}$/m.test(${text('track-settings')})`,
          `focusDistance ${wanted} in the settings panel`,
        );
        const shown = await browser.run("document.querySelector('output[for=control-focusDistance]').textContent");
        assert.equal(shown, `${wanted} m`);
      });
    }

    test('shows no problem, and logs no error', async () => {
      assert.equal(await browser.run("document.getElementById('problem').hidden"), true, await browser.run(text('problem-text')));
      assert.deepEqual(browser.errors, []);
    });

    test(`looks right: artifacts/${run.screenshot} is not blank`, async () => {
      const png = await browser.screenshot();
      await mkdir(ARTIFACTS, { recursive: true });
      await writeFile(`${ARTIFACTS}${run.screenshot}`, png);
      const look = summarise(decodePng(png));
      console.log(`screenshot: ${ARTIFACTS}${run.screenshot} ${JSON.stringify(look)}`);
      assert.ok(look.width >= 800 && look.height >= 600, `a whole page: ${look.width}×${look.height}`);
      // Text on white has a few dozen colours; the camera views and badges bring far more.
      assert.ok(look.colours > 256, `many colours: ${look.colours}`);
      assert.ok(look.vivid > 0.05, `camera pictures on screen: ${(look.vivid * 100).toFixed(1)}% vivid pixels`);
    });
  });
}

/**
 * Test-side script run in the page before the page's own (which has no test hook): the first
 * getUserMedia call fails with the DOMException named by `?getUserMediaError=`; later ones
 * (Try again) reach the real fake camera.
 */
const SIMULATE_GET_USER_MEDIA_ERROR = `{
  const name = new URLSearchParams(location.search).get('getUserMediaError');
  if (name && navigator.mediaDevices) {
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    let failed = false;
    navigator.mediaDevices.getUserMedia = (constraints) => {
      if (failed) return real(constraints);
      failed = true;
      return Promise.reject(new DOMException('simulated by the test', name));
    };
  }
}`;

/**
 * The messages for a camera that cannot be used: getUserMedia's failures simulated as above;
 * the insecure context is real: the same server under a host name that is not localhost.
 */
function describeProblems() {
  const CASES = [
    { error: 'NotFoundError', says: /^No camera was found \(NotFoundError\)\..*--use-fake-device-for-media-stream.*media\.navigator\.streams\.fake/s },
    { error: 'NotAllowedError', says: /^Camera permission was refused \(NotAllowedError\)\. Allow the camera/ },
    { error: 'NotReadableError', says: /^The camera is busy or failed to start \(NotReadableError\)/ },
  ];

  describe('the demo page when the camera cannot be used (chromium)', { timeout: 120_000 }, () => {
    let browser;
    before(async () => {
      browser = await launch('chromium', {
        args: ['--host-resolver-rules=MAP insecure.test 127.0.0.1'],
        initScript: SIMULATE_GET_USER_MEDIA_ERROR,
      });
    });
    after(async () => {
      await browser?.close();
    });

    for (const { error, says } of CASES) {
      test(`${error}: says what happened and what to do, and Try again recovers`, async () => {
        await browser.open(`${ORIGIN}/?getUserMediaError=${error}`);
        await waitFor(browser, "!document.getElementById('problem').hidden", 'the message');
        assert.match(await browser.run(text('problem-text')), says);
        assert.equal(await browser.run(text('status')), 'No camera.');
        assert.equal(await browser.run("document.getElementById('grab').disabled"), true);
        assert.equal(await browser.run("document.getElementById('retry').hidden"), false);
        await browser.click('#retry');
        await waitFor(browser, "!document.getElementById('grab').disabled", 'the camera after Try again');
        assert.equal(await browser.run("document.getElementById('problem').hidden"), true);
      });
    }

    test('not a secure context: says so, and how to open the page instead', async () => {
      const { port } = new URL(ORIGIN);
      await browser.open(`http://insecure.test:${port}/`);
      await waitFor(browser, "!document.getElementById('problem').hidden", 'the message');
      assert.match(
        await browser.run(text('problem-text')),
        new RegExp(`^This page is not a secure context \\(http://insecure\\.test:${port}\\).*Open it as http://localhost:${port}/ `, 's'),
      );
      assert.equal(await browser.run("document.getElementById('grab').disabled"), true);
    });

    test('logs no error', () => {
      assert.deepEqual(browser.errors, []);
    });
  });
}

/**
 * The controls for capabilities no fake camera here has (zoom, pan, tilt, torch, white
 * balance…): www/controls.js given a stand-in track that reports all sixteen, in a real page
 * (one whose camera failed, so that it has no controls of its own).
 */
function describeEveryControl() {
  const RANGE = (min, max, step) => ({ min, max, step });
  const CAPABILITIES = {
    whiteBalanceMode: ['manual', 'continuous'],
    exposureMode: ['manual', 'single-shot', 'continuous'],
    focusMode: ['manual', 'continuous'],
    exposureCompensation: RANGE(-2, 2, 0.5),
    exposureTime: RANGE(1, 1000, 1),
    colorTemperature: RANGE(2500, 6500, 100),
    iso: RANGE(100, 3200, 100),
    brightness: RANGE(0, 255, 1),
    contrast: RANGE(0, 255, 1),
    saturation: RANGE(0, 255, 1),
    sharpness: RANGE(0, 255, 1),
    focusDistance: RANGE(0.1, 10, 0.1),
    pan: RANGE(-648000, 648000, 3600),
    tilt: RANGE(-648000, 648000, 3600),
    zoom: RANGE(1, 4, 0.1),
    torch: [false, true],
    width: RANGE(1, 640, 1), // not an image-capture capability: no control
  };
  const SETTINGS = {
    whiteBalanceMode: 'continuous', exposureMode: 'continuous', focusMode: 'manual',
    exposureCompensation: 0, exposureTime: 100, colorTemperature: 5000, iso: 400,
    brightness: 128, contrast: 128, saturation: 128, sharpness: 128, focusDistance: 1,
    pan: 0, tilt: 0, zoom: 1, torch: false, width: 640,
  };
  // Builds the controls for a stand-in track, reads them back, then moves zoom and the torch.
  const EXERCISE = `(async () => {
    const { buildControls } = await import('/controls.js');
    const capabilities = ${JSON.stringify(CAPABILITIES)};
    const settings = ${JSON.stringify(SETTINGS)};
    const constraints = [];
    const track = {
      getCapabilities: () => capabilities,
      getSettings: () => settings,
      applyConstraints: async (c) => { constraints.push(c); },
    };
    const container = document.createElement('div');
    document.body.append(container);
    const applied = [];
    const controls = buildControls(container, track, (name, error) => applied.push([name, error]));
    controls.refresh(settings);
    const built = [...container.querySelectorAll('[data-constraint]')].map((input) => ({
      name: input.dataset.constraint,
      kind: input.tagName === 'SELECT' ? 'select' : input.getAttribute('role') === 'switch' ? 'switch' : input.type,
      value: input.type === 'checkbox' ? input.checked : input.value,
      options: input.tagName === 'SELECT' ? [...input.options].map((o) => o.value) : undefined,
      range: input.type === 'range' ? [Number(input.min), Number(input.max), Number(input.step)] : undefined,
      label: container.querySelector('label[for="' + input.id + '"]')?.textContent,
    }));
    const zoom = container.querySelector('#control-zoom');
    zoom.value = '2';
    zoom.dispatchEvent(new Event('input'));
    const torch = container.querySelector('#control-torch');
    torch.checked = true;
    torch.dispatchEvent(new Event('change'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const zoomShown = container.querySelector('output[for=control-zoom]').textContent;
    // A torch that cannot be lit ([false]) gets no switch.
    capabilities.torch = [false];
    const withoutTorch = buildControls(container, track, () => {});
    const torchless = container.querySelector('#control-torch') === null;
    container.remove();
    return { count: controls.count, built, constraints, applied, zoomShown, torchless, countWithoutTorch: withoutTorch.count };
  })()`;

  describe('camera controls for every image-capture capability (chromium, a stand-in track)', () => {
    let browser;
    before(async () => {
      browser = await launch('chromium', { initScript: SIMULATE_GET_USER_MEDIA_ERROR });
      await browser.open(`${ORIGIN}/?getUserMediaError=NotFoundError`);
      await waitFor(browser, "!document.getElementById('problem').hidden", 'the page to give up on the camera');
    });
    after(async () => {
      await browser?.close();
    });

    test('a select per mode, a slider per range, a switch for the torch, each labelled and set', async () => {
      const out = await browser.run(EXERCISE);
      assert.equal(out.count, CONSTRAINTS.length);
      assert.deepEqual(out.built.map((c) => c.name), CONSTRAINTS, 'one control each, in the spec\'s order');
      for (const control of out.built) {
        const capability = CAPABILITIES[control.name];
        assert.ok(control.label, `${control.name} has a label`);
        if (control.name === 'torch') {
          assert.equal(control.kind, 'switch');
          assert.equal(control.value, false);
        } else if (Array.isArray(capability)) {
          assert.equal(control.kind, 'select', control.name);
          assert.deepEqual(control.options, capability);
          assert.equal(control.value, SETTINGS[control.name]);
        } else {
          assert.equal(control.kind, 'range', control.name);
          assert.deepEqual(control.range, [capability.min, capability.max, capability.step]);
          assert.equal(Number(control.value), SETTINGS[control.name], control.name);
        }
      }
      assert.deepEqual(out.constraints, [{ advanced: [{ zoom: 2 }] }, { advanced: [{ torch: true }] }]);
      assert.deepEqual(out.applied, [['zoom', null], ['torch', null]]);
      assert.equal(out.zoomShown, '2×');
      assert.equal(out.torchless, true);
      assert.equal(out.countWithoutTorch, CONSTRAINTS.length - 1);
    });
  });
}

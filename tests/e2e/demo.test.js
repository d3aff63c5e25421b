// The demo page (www/) end to end, used as a person would use it, in headless Chromium and
// Firefox with their fake cameras and in WebKit's three shapes with its mock camera: wait for the
// camera, press Grab frame and Take photo, move the photo-resolution slider and a camera control,
// and check what is on screen (canvases with real pixels at the right size, the right badge per
// method, the panel following the camera, no error), then save a screenshot of the page to
// artifacts/ and check that it is not blank and shows the camera's pictures where they belong.
//
// The browsers are pkg/test/browsers.js's, the package tests' own driver. WebKit's shapes (see
// there and crates/xtask/src/webkit.rs): `webkit-native` with WebKit's own ImageCapture (Safari
// 26), `webkit-partial` the same without grabFrame (Safari 18.x: the test server removes it
// before the page's scripts run, when the page is asked for with `?e2e-remove=grabFrame`; see
// crates/xtask/src/demo.rs), `webkit-polyfill` without ImageCapture.
//
// Run by `cargo xtask test` (demo::e2e serves the page on a free port, passes its origin, and
// gives WebKit an X display and a D-Bus session bus of its own), or by hand against a running
// `cargo xtask demo` (no `?e2e-remove` there: webkit-partial then fails; without DISPLAY, the
// driver starts its own Xvfb):
//
//   DEMO_ORIGIN=http://localhost:8000 node --test tests/e2e/demo.test.js
//   DEMO_ORIGIN=… node --test --test-name-pattern=webkit tests/e2e/demo.test.js   # one browser

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { launch } from '../../pkg/test/browsers.js';
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

/** Every method from the same source: `browser` (kept), `wrapped` or `ours` (supplied). */
const every = (source) => Object.fromEntries(METHODS.map((method) => [method, source]));

/** What each badge says, by source (www/app.js). */
const BADGE_TEXT = {
  browser: "browser's own",
  wrapped: "browser's own, wrapped",
  ours: 'imagecapture (ours)',
};

/**
 * The page in each browser, and what a person should see there (TOOLCHAIN.md's facts about the
 * fake cameras, docs/webkit.md's about WebKit's).
 *
 * - `sources`: the badge of each method, as install() reports it;
 * - `photoFollowsSlider`: whether the photo has the width asked for;
 * - `capabilities`: the image-capture capabilities the track reports; `controls`: those the page
 *   gives a control (a range needs a min and a max);
 * - `move`: a slider moved one step with the keyboard, whose value must reach the track;
 * - `vivid`: the least share of vividly coloured pixels in the screenshot.
 */
/** Chromium's fake camera, whichever ImageCapture is at work. */
const CHROMIUM_CAMERA = {
  capabilities: ['exposureMode', 'focusMode', 'exposureTime', 'focusDistance'],
  controls: ['exposureMode', 'focusMode', 'exposureTime', 'focusDistance'],
  move: 'focusDistance',
  vivid: 0.05,
};

const RUNS = [
  {
    browser: 'chromium',
    path: '/',
    screenshot: 'demo-chromium.png',
    // Chromium ships all four methods: through the polyfill entry, all four are wrapped (one
    // rule for every browser; grabFrame's is used for a first grab while ours starts,
    // docs/chromium.md).
    sources: every('wrapped'),
    // Chromium's own takePhoto() ignores imageWidth/imageHeight on its fake camera; wrapped,
    // its photo is redrawn at the size asked for.
    photoFollowsSlider: true,
    ...CHROMIUM_CAMERA,
  },
  {
    browser: 'chromium',
    path: '/?ours',
    screenshot: 'demo-chromium-ours.png',
    sources: every('ours'),
    photoFollowsSlider: true,
    ...CHROMIUM_CAMERA,
  },
  {
    browser: 'firefox',
    path: '/',
    screenshot: 'demo-firefox.png',
    // Firefox has no ImageCapture of its own: the package supplies every method.
    sources: every('ours'),
    photoFollowsSlider: true,
    // Firefox's track reports no image-capture capability at all.
    capabilities: [],
    controls: [],
    vivid: 0.05,
  },
  {
    browser: 'firefox',
    path: '/?zoom',
    screenshot: 'demo-firefox-zoom.png',
    sources: every('ours'),
    photoFollowsSlider: true,
    // install({ digitalZoom: true }): a camera without zoom gets a digital one, and pan and
    // tilt, each with a slider that drives applyConstraints().
    capabilities: ['pan', 'tilt', 'zoom'],
    controls: ['pan', 'tilt', 'zoom'],
    move: 'zoom',
    vivid: 0.05,
  },
  ...[
    // Safari 26: WebKit's four methods wrapped by install() (docs/webkit.md).
    { shape: 'webkit-native', path: '/', sources: every('wrapped') },
    // Safari 18.x: no grabFrame of WebKit's, so ours; the other three WebKit's, wrapped.
    {
      shape: 'webkit-partial',
      path: '/?e2e-remove=grabFrame',
      sources: { ...every('wrapped'), grabFrame: 'ours' },
    },
    // No ImageCapture at all: the package supplies every method.
    { shape: 'webkit-polyfill', path: '/', sources: every('ours') },
  ].map(({ shape, path, sources }) => ({
    browser: shape,
    path,
    screenshot: `demo-${shape}.png`,
    sources,
    // Ours, or WebKit's behind ours, which redraws WebKit's photo at the size asked for.
    photoFollowsSlider: true,
    // The second mock camera (the page asks for zoom): its focusDistance is `{min: 0.2}`
    // alone, which makes no slider.
    capabilities: ['whiteBalanceMode', 'focusDistance', 'zoom', 'torch'],
    controls: ['whiteBalanceMode', 'zoom', 'torch'],
    move: 'zoom',
    // WebKit's mock camera draws grey, with a small strip of colour bars: the badges and that
    // strip are the vivid pixels (the camera views are checked where they are, below).
    vivid: 0.005,
  })),
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
  describe(`the demo page in ${run.browser} (${run.path})`, { timeout: 240_000 }, () => {
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

    const badged = METHODS.map((m) => `${m} ${run.sources[m]}`).join(', ');
    test(`badges each method as install() reports it: ${badged}`, async () => {
      const badges = await browser.run(
        "[...document.querySelectorAll('#badges li')].map((li) => [li.dataset.method, li.querySelector('.badge').dataset.source, li.querySelector('.badge').textContent])",
      );
      assert.deepEqual(
        badges,
        METHODS.map((method) => [method, run.sources[method], BADGE_TEXT[run.sources[method]]]),
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
      assert.deepEqual(reported, run.capabilities, 'the capabilities the fake camera reports');
      const controls = await browser.run(
        "[...document.querySelectorAll('#controls [data-constraint]')].map((c) => c.dataset.constraint)",
      );
      assert.deepEqual(controls, run.controls);
      const hidden = await browser.run("document.getElementById('controls-section').hidden");
      assert.equal(hidden, run.controls.length === 0, 'the controls section shows only with controls in it');
    });

    if (run.move) {
      test(`moving a control (${run.move}) applies it, and the settings panel follows`, async () => {
        const name = run.move;
        const before = Number((await panel(browser, 'track-settings'))[name]);
        const { min, max, step } = JSON.parse((await panel(browser, 'track-capabilities'))[name]);
        await browser.press(`#control-${name}`, 'ArrowRight');
        const slider = await browser.run(
          `(() => { const i = document.getElementById('control-${name}'); return { value: Number(i.value), shown: document.querySelector('output[for=control-${name}]').textContent }; })()`,
        );
        // One step of the capability's; without a step the slider's own (any value goes).
        if (step > 0) assert.equal(slider.value, before + step, `one step of ${step} from ${before}`);
        else assert.ok(slider.value > before && slider.value <= max, `right of ${before}: ${slider.value}`);
        assert.ok(slider.value >= min);
        const shown = slider.value;
        const unit = { focusDistance: ' m', zoom: '×' }[name] ?? '';
        assert.equal(slider.shown, `${Number.isInteger(shown) ? shown : shown.toFixed(2).replace(/\.?0+$/, '')}${unit}`);
        await waitFor(
          browser,
          `(() => { const line = ${text('track-settings')}.split('\\n').find((l) => l.startsWith('${name}: ')); return line && Math.abs(Number(line.slice(${name.length + 2})) - ${shown}) < 1e-6; })()`,
          `${name} ${shown} in the settings panel`,
        );
      });
    }

    test('shows no problem, and logs no error', async () => {
      assert.equal(await browser.run("document.getElementById('problem').hidden"), true, await browser.run(text('problem-text')));
      assert.deepEqual(browser.errors, []);
    });

    test(`looks right: artifacts/${run.screenshot} is not blank`, async () => {
      // From the top, where the camera views are in every screenshot (WebKit's is of the
      // window only; Chromium's and Firefox's are of the whole page).
      // Scrolled to the top (the slider moved above scrolled it), and painted so: WebKit's
      // screenshot shows the window as last painted.
      await browser.run(`(async () => {
        window.scrollTo(0, 0);
        await new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted)));
        await new Promise((later) => setTimeout(later, 200));
      })()`);
      const png = await browser.screenshot();
      await mkdir(ARTIFACTS, { recursive: true });
      await writeFile(`${ARTIFACTS}${run.screenshot}`, png);
      const image = decodePng(png);
      // Where the views are in the screenshot, read after it was taken (a driver may scroll to
      // take it): in the page for a whole-page screenshot, in the window for a window-only one.
      const views = await browser.run(`(() => {
        const wholePage = ${image.height} > innerHeight * devicePixelRatio + 1;
        const dx = wholePage ? scrollX : 0;
        const dy = wholePage ? scrollY : 0;
        return Object.fromEntries(['preview', 'frame', 'photo'].map((id) => {
          const r = document.getElementById(id).getBoundingClientRect();
          return [id, { x: (r.x + dx) * devicePixelRatio, y: (r.y + dy) * devicePixelRatio, width: r.width * devicePixelRatio, height: r.height * devicePixelRatio }];
        }));
      })()`);
      const look = summarise(image);
      console.log(`screenshot: ${ARTIFACTS}${run.screenshot} ${JSON.stringify(look)}`);
      assert.ok(look.width >= 800 && look.height >= 600, `a whole page: ${look.width}×${look.height}`);
      // Text on white has a few dozen colours; the camera views and badges bring far more.
      assert.ok(look.colours > 256, `many colours: ${look.colours}`);
      assert.ok(look.vivid > run.vivid, `camera pictures on screen: ${(look.vivid * 100).toFixed(1)}% vivid pixels`);
      // Where the preview, the frame and the photo are (inside their borders), the screenshot
      // shows a picture: not the page's background, not black (Firefox's fake camera is one
      // flat colour but for a line of text, so no more is asked of each view).
      for (const [id, r] of Object.entries(views)) {
        assert.ok(r.width > 100 && r.height > 50, `${id} is laid out: ${JSON.stringify(r)}`);
        const inner = { x: r.x + 4, y: r.y + 4, width: r.width - 8, height: r.height - 8 };
        const view = summarise(image, inner);
        assert.ok(view.width > 0 && view.height > 0, `${id} is in the screenshot: ${JSON.stringify(r)}`);
        assert.ok(view.foreground > 0.9 && view.lit > 0.5, `${id} shows a picture: ${JSON.stringify(view)}`);
      }
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

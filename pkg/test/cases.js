// The browser test cases of the npm package, written once and run in every browser.
//
// This module is imported twice: by node (tests/*.test.js), only to learn the scenarios and the
// case names, and by the test page (harness.js), which runs them. Nothing at module level may
// touch a browser API.
//
// A scenario is one fresh page: it prepares the page (before the package loads), loads the
// package the way a web developer would, and then runs its cases one by one. Each case has a
// one-sentence name stating the behaviour, and checks rejections by exact name:
// `err instanceof DOMException && err.name === "…"`, or `err instanceof TypeError`.

const METHODS = ['takePhoto', 'getPhotoCapabilities', 'getPhotoSettings', 'grabFrame'];
const ALL = METHODS;

// ---------------------------------------------------------------------------------------------
// Assertions (page side)

class Failure extends Error {}

function check(condition, message) {
  if (!condition) throw new Failure(message);
}

function describeValue(value) {
  if (value instanceof DOMException) return `DOMException ${value.name}: ${value.message}`;
  if (value instanceof Error) return `${value.constructor.name}: ${value.message}`;
  try {
    return `${Object.prototype.toString.call(value)} ${JSON.stringify(value)}`;
  } catch {
    return String(value);
  }
}

function isNamed(error, name) {
  return name === 'TypeError'
    ? error instanceof TypeError
    : error instanceof DOMException && error.name === name;
}

/** Awaits `promise` and checks it rejects with `name`; bounded, so a hang is a failure. */
async function rejects(promise, name, what) {
  check(promise instanceof Promise, `${what} returned ${describeValue(promise)}, not a Promise`);
  let settled;
  try {
    settled = { value: await bounded(promise, 15_000, what) };
  } catch (error) {
    if (error instanceof Failure) throw error;
    check(isNamed(error, name), `${what} rejected with ${describeValue(error)}, expected ${name}`);
    return error;
  }
  throw new Failure(`${what} resolved with ${describeValue(settled.value)}, expected ${name}`);
}

function throws(fn, name, what) {
  try {
    fn();
  } catch (error) {
    check(isNamed(error, name), `${what} threw ${describeValue(error)}, expected ${name}`);
    return;
  }
  throw new Failure(`${what} did not throw, expected ${name}`);
}

function bounded(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Failure(`${what} did not settle within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function sameRecord(a, b) {
  const keys = Object.keys(a).sort();
  return (
    JSON.stringify(keys) === JSON.stringify(Object.keys(b).sort()) && keys.every((k) => a[k] === b[k])
  );
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function checkRange(range, what) {
  check(isPlainObject(range), `${what} is ${describeValue(range)}, not a plain MediaSettingsRange`);
  for (const key of Object.keys(range)) {
    check(['max', 'min', 'step'].includes(key), `${what} has a member ${key} the spec does not have`);
    check(Number.isFinite(range[key]), `${what}.${key} is ${range[key]}`);
  }
}

/** Decodes an image Blob (proves it is a real image) and returns its size. */
async function imageSize(blob) {
  const bitmap = await createImageBitmap(blob);
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}

async function magic(blob) {
  const bytes = new Uint8Array(await blob.slice(0, 8).arrayBuffer());
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  return 'unknown';
}

// ---------------------------------------------------------------------------------------------
// What every ImageCapture must do (run against the class each scenario exposes)

/** Bad constructor arguments, WPT style: [label, () => argument list]. */
const NOT_A_TRACK = [
  ['no argument', () => []],
  ['undefined', () => [undefined]],
  ['null', () => [null]],
  ['a string', () => ['video']],
  ['a number', () => [42]],
  ['an empty object', () => [{}]],
  ['an object shaped like a video track', () => [{ kind: 'video', readyState: 'live', enabled: true }]],
  ['a MediaStream', () => [new MediaStream()]],
];

/** takePhoto settings WebIDL rejects while converting the dictionary: [label, settings]. */
const WEBIDL_INVALID_SETTINGS = [
  ['imageWidth NaN', { imageWidth: NaN }],
  ['imageHeight Infinity', { imageHeight: Infinity }],
  ['imageWidth -Infinity', { imageWidth: -Infinity }],
  ['fillLightMode "bogus"', { fillLightMode: 'bogus' }],
  ['a number instead of a dictionary', 42],
  ['a string instead of a dictionary', 'image/png'],
];

/** The track states in which every method rejects InvalidStateError: [label, make]. */
const INACTIVE_TRACKS = [
  ['an ended track', (track) => track.stop()],
  ['a disabled track', (track) => {
    track.enabled = false;
  }],
];

function call(capture, method) {
  return method === 'takePhoto' ? capture.takePhoto({}) : capture[method]();
}

function behaviourCases() {
  const cases = [];
  for (const [label, args] of NOT_A_TRACK) {
    cases.push({
      name: `the constructor throws TypeError for ${label}`,
      async run({ ImageCapture }) {
        throws(() => new ImageCapture(...args()), 'TypeError', `new ImageCapture(${label})`);
      },
    });
  }
  cases.push({
    name: 'the constructor throws NotSupportedError for an audio track',
    async run({ ImageCapture }) {
      const context = new AudioContext();
      try {
        const audio = context.createMediaStreamDestination().stream.getAudioTracks()[0];
        throws(() => new ImageCapture(audio), 'NotSupportedError', 'new ImageCapture(audioTrack)');
        audio.stop();
      } finally {
        await context.close();
      }
    },
  });
  cases.push({
    name: 'the constructor needs new',
    async run({ ImageCapture, camera }) {
      const track = await camera();
      throws(() => ImageCapture(track), 'TypeError', 'ImageCapture(track) without new');
    },
  });
  cases.push({
    name: 'track is the very track passed to the constructor and is read-only',
    async run({ ImageCapture, camera }) {
      const track = await camera();
      const other = await camera();
      const capture = new ImageCapture(track);
      check(capture.track === track, 'capture.track is not the track passed in');
      check(capture.track === capture.track, 'capture.track changes between reads');
      try {
        capture.track = other;
      } catch (error) {
        check(error instanceof TypeError, `assigning track threw ${describeValue(error)}`);
      }
      check(capture.track === track, 'assigning track changed it');
    },
  });

  cases.push({
    name: 'takePhoto() resolves with a Blob holding an image',
    async run({ ImageCapture, camera }) {
      const capture = new ImageCapture(await camera());
      const photo = await capture.takePhoto();
      check(photo instanceof Blob, `takePhoto() resolved with ${describeValue(photo)}`);
      check(/^image\//.test(photo.type), `the photo's type is ${JSON.stringify(photo.type)}`);
      check(photo.size > 0, 'the photo is empty');
      const { width, height } = await imageSize(photo);
      check(width > 0 && height > 0, `the photo decodes to ${width}×${height}`);
    },
  });
  for (const [label, settings] of WEBIDL_INVALID_SETTINGS) {
    cases.push({
      name: `takePhoto rejects TypeError for ${label}`,
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        await rejects(capture.takePhoto(settings), 'TypeError', `takePhoto(${label})`);
      },
    });
  }
  cases.push({
    name: 'takePhoto rejects NotSupportedError for an imageWidth above the capabilities',
    async run({ ImageCapture, camera }) {
      const capture = new ImageCapture(await camera());
      const { imageWidth } = await capture.getPhotoCapabilities();
      check(imageWidth && Number.isFinite(imageWidth.max), 'no imageWidth range to exceed');
      await rejects(
        capture.takePhoto({ imageWidth: imageWidth.max + 1000 }),
        'NotSupportedError',
        'takePhoto({imageWidth: max + 1000})',
      );
    },
  });
  cases.push({
    name: 'takePhoto rejects NotSupportedError for redEyeReduction when it is not controllable',
    async run({ ImageCapture, camera }) {
      const capture = new ImageCapture(await camera());
      const { redEyeReduction } = await capture.getPhotoCapabilities();
      check(redEyeReduction !== 'controllable', 'red-eye reduction is controllable here');
      await rejects(
        capture.takePhoto({ redEyeReduction: true }),
        'NotSupportedError',
        'takePhoto({redEyeReduction: true})',
      );
    },
  });
  cases.push({
    name: 'getPhotoCapabilities() resolves with a plain PhotoCapabilities dictionary',
    async run({ ImageCapture, camera }) {
      const capture = new ImageCapture(await camera());
      const capabilities = await capture.getPhotoCapabilities();
      check(isPlainObject(capabilities), `resolved with ${describeValue(capabilities)}`);
      for (const [key, value] of Object.entries(capabilities)) {
        if (key === 'imageWidth' || key === 'imageHeight') checkRange(value, key);
        else if (key === 'redEyeReduction') {
          check(['never', 'always', 'controllable'].includes(value), `redEyeReduction is ${value}`);
        } else if (key === 'fillLightMode') {
          check(Array.isArray(value), `fillLightMode is ${describeValue(value)}`);
          check(value.every((m) => ['auto', 'off', 'flash'].includes(m)), `fillLightMode is ${value}`);
        } else throw new Failure(`PhotoCapabilities has a member ${key} the spec does not have`);
      }
      check(capabilities.imageWidth && capabilities.imageHeight, 'no imageWidth/imageHeight range');
      check(capabilities.imageWidth.min <= capabilities.imageWidth.max, 'imageWidth min > max');
    },
  });
  cases.push({
    name: 'getPhotoSettings() resolves with a plain PhotoSettings dictionary',
    async run({ ImageCapture, camera }) {
      const track = await camera();
      const capture = new ImageCapture(track);
      const settings = await capture.getPhotoSettings();
      check(isPlainObject(settings), `resolved with ${describeValue(settings)}`);
      for (const [key, value] of Object.entries(settings)) {
        if (key === 'imageWidth' || key === 'imageHeight') {
          check(Number.isFinite(value) && value > 0, `${key} is ${value}`);
        } else if (key === 'redEyeReduction') check(typeof value === 'boolean', `redEyeReduction is ${value}`);
        else if (key === 'fillLightMode') {
          check(['auto', 'off', 'flash'].includes(value), `fillLightMode is ${value}`);
        } else throw new Failure(`PhotoSettings has a member ${key} the spec does not have`);
      }
    },
  });
  cases.push({
    name: "grabFrame() resolves with an open ImageBitmap of the track's size",
    async run({ ImageCapture, camera }) {
      const track = await camera();
      const capture = new ImageCapture(track);
      const frame = await capture.grabFrame();
      check(frame instanceof ImageBitmap, `grabFrame() resolved with ${describeValue(frame)}`);
      const { width, height } = track.getSettings();
      check(
        frame.width === width && frame.height === height,
        `the frame is ${frame.width}×${frame.height}, the track ${width}×${height}`,
      );
      // Usable: drawing a closed bitmap throws InvalidStateError.
      const canvas = new OffscreenCanvas(frame.width, frame.height);
      canvas.getContext('2d').drawImage(frame, 0, 0);
      frame.close();
    },
  });
  cases.push({
    name: 'grabFrame() called again resolves with another ImageBitmap',
    async run({ ImageCapture, camera }) {
      const capture = new ImageCapture(await camera());
      const first = await capture.grabFrame();
      const second = await capture.grabFrame();
      check(second instanceof ImageBitmap && second !== first, 'the second frame is the first');
      first.close();
      second.close();
    },
  });
  for (const [label, make] of INACTIVE_TRACKS) {
    for (const method of METHODS) {
      cases.push({
        name: `${method} rejects InvalidStateError on ${label}`,
        async run({ ImageCapture, camera }) {
          const track = await camera();
          const capture = new ImageCapture(track);
          make(track);
          await rejects(call(capture, method), 'InvalidStateError', `${method}() on ${label}`);
        },
      });
    }
  }
  cases.push({
    name: 'grabFrame() settles when the track ends while it waits',
    // Chromium's own grabFrame rejects with `undefined` here (not an Error, let alone a
    // DOMException): so the case holds where grabFrame is ours or goes through our module,
    // which maps that to UnknownError, and not where install() kept the browser's method.
    browserDiffers: 'grabFrame',
    async run({ ImageCapture, camera }) {
      const track = await camera();
      const capture = new ImageCapture(track);
      const pending = capture.grabFrame();
      track.stop();
      try {
        const frame = await bounded(pending, 15_000, 'grabFrame() on a track stopped meanwhile');
        check(frame instanceof ImageBitmap, `resolved with ${describeValue(frame)}`);
        frame.close();
      } catch (error) {
        if (error instanceof Failure) throw error;
        check(
          isNamed(error, 'UnknownError') || isNamed(error, 'InvalidStateError') || isNamed(error, 'OperationError'),
          `rejected with ${describeValue(error)}`,
        );
      }
    },
  });
  return cases;
}

/**
 * takePhoto's promises beyond the browsers' own: the `type` extension, sizes honoured, JPEG by
 * default. They hold where takePhoto goes through this package (the browser's own ignores the
 * extension; our module redraws its photo when the size or type differs), not where install()
 * kept the browser's method. JPEG by default only where the photo is ours from the start: a
 * photo of the browser's keeps its own type when none is asked for.
 */
function ourPhotoCases() {
  return [
    {
      name: 'takePhoto() of ours gives a JPEG when no type is asked for',
      ours: 'takePhoto',
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        const photo = await capture.takePhoto();
        check(photo.type === 'image/jpeg', `the photo's type is ${photo.type}`);
        check((await magic(photo)) === 'image/jpeg', 'the bytes are not a JPEG');
      },
    },
    {
      name: 'takePhoto({type: "image/png"}) gives a PNG',
      browserDiffers: 'takePhoto',
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        const photo = await capture.takePhoto({ type: 'image/png' });
        check(photo.type === 'image/png', `the photo's type is ${photo.type}`);
        check((await magic(photo)) === 'image/png', 'the bytes are not a PNG');
      },
    },
    {
      name: 'takePhoto({imageWidth}) gives a photo that wide, in the aspect ratio of the track',
      browserDiffers: 'takePhoto',
      async run({ ImageCapture, camera }) {
        const track = await camera();
        const capture = new ImageCapture(track);
        const { imageWidth } = await capture.getPhotoCapabilities();
        const wanted = Math.max(imageWidth.min, 320);
        const photo = await capture.takePhoto({ imageWidth: wanted });
        const { width, height } = await imageSize(photo);
        const settings = track.getSettings();
        check(width === wanted, `asked for ${wanted} wide, got ${width}`);
        check(
          Math.abs(height - Math.round((wanted * settings.height) / settings.width)) <= 1,
          `${width}×${height} does not keep ${settings.width}×${settings.height}`,
        );
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/** Which methods are ours in a scenario, per browser. */
function ours(chromium, firefox) {
  return { chromium, firefox };
}

/** Which methods of the class under test are the browser's own, untouched, per browser. */
function kept(chromium, firefox) {
  return { chromium, firefox };
}

function installCases(expected) {
  return [
    {
      name: 'install() reports what it did to each member',
      async run({ report, browser }) {
        const want = expected[browser];
        check(
          sameRecord(report, want),
          `install() reported ${JSON.stringify(report)}, expected ${JSON.stringify(want)}`,
        );
      },
    },
    {
      name: 'install() called again changes nothing and reports the same',
      async run({ report, install }) {
        const before = globalThis.ImageCapture;
        const methods = METHODS.map((m) => before.prototype[m]);
        const again = install();
        check(sameRecord(again, report), `second report ${JSON.stringify(again)}`);
        check(globalThis.ImageCapture === before, 'the global changed');
        check(METHODS.every((m, i) => before.prototype[m] === methods[i]), 'a method changed');
      },
    },
    {
      name: 'after install() the global ImageCapture has all four methods and track',
      async run() {
        check(typeof globalThis.ImageCapture === 'function', 'no global ImageCapture');
        for (const m of METHODS) {
          check(typeof globalThis.ImageCapture.prototype[m] === 'function', `no ${m}`);
        }
        check('track' in globalThis.ImageCapture.prototype, 'no track');
      },
    },
  ];
}

const KEPT_ALL = {
  ImageCapture: 'kept',
  track: 'kept',
  takePhoto: 'kept',
  getPhotoCapabilities: 'kept',
  getPhotoSettings: 'kept',
  grabFrame: 'kept',
};
const SUPPLIED_ALL = {
  ImageCapture: 'supplied',
  track: 'supplied',
  takePhoto: 'supplied',
  getPhotoCapabilities: 'supplied',
  getPhotoSettings: 'supplied',
  grabFrame: 'supplied',
};

export const scenarios = [
  {
    name: 'the ImageCapture export',
    id: 'module',
    browsers: ['chromium', 'firefox'],
    ours: ours([], ALL),
    async setup(ctx) {
      const pkg = await import('../dist/index.js');
      ctx.ImageCapture = pkg.ImageCapture;
      ctx.install = pkg.install;
    },
    cases: [
      {
        name: 'importing the package leaves the global ImageCapture alone',
        async run({ original }) {
          check(globalThis.ImageCapture === original.ImageCapture, 'the global changed');
        },
      },
      ...behaviourCases(),
      ...ourPhotoCases(),
      {
        name: 'a Rust panic rejects the pending call and leaves the module usable',
        async run({ ImageCapture, camera, glue }) {
          const track = await camera();
          const capture = new ImageCapture(track);
          // A call that cannot finish: a canvas track whose frame never comes, polyfill forced
          // through the module's own constructor (its second argument).
          const canvas = document.createElement('canvas');
          canvas.width = 64;
          canvas.height = 48;
          const silent = canvas.captureStream(0).getVideoTracks()[0];
          const stuck = new ImageCapture(silent);
          const waiting = stuck.grabFrame();
          let thrown = null;
          try {
            glue.__panicForTests('test panic');
          } catch (error) {
            thrown = error;
          }
          check(thrown instanceof WebAssembly.RuntimeError, `the panic threw ${describeValue(thrown)}`);
          await rejects(waiting, 'UnknownError', 'a grabFrame() pending across the panic');
          silent.stop();
          // Objects made before the panic work on, and so do new ones.
          check(capture.track === track, 'track lost across the panic');
          const settings = await capture.getPhotoSettings();
          check(isPlainObject(settings), 'getPhotoSettings() after the panic');
          const frame = await new ImageCapture(await camera()).grabFrame();
          check(frame instanceof ImageBitmap, 'grabFrame() on a new object after the panic');
          frame.close();
        },
      },
    ],
  },
  {
    name: 'install()',
    id: 'installed',
    browsers: ['chromium', 'firefox'],
    ours: ours([], ALL),
    kept: kept(ALL, []),
    async setup(ctx) {
      const pkg = await import('../dist/index.js');
      ctx.install = pkg.install;
      ctx.report = pkg.install();
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: [
      ...installCases({ chromium: KEPT_ALL, firefox: SUPPLIED_ALL }),
      {
        name: 'install() keeps the browser ImageCapture and all its methods',
        browsers: ['chromium'],
        async run({ original }) {
          check(globalThis.ImageCapture === original.ImageCapture, 'the global was replaced');
          for (const m of METHODS) {
            check(globalThis.ImageCapture.prototype[m] === original.methods[m], `${m} was replaced`);
          }
        },
      },
      {
        name: 'install() supplies ImageCapture where the browser has none',
        browsers: ['firefox'],
        async run({ original }) {
          check(original.ImageCapture === undefined, 'the browser had an ImageCapture');
          check(typeof globalThis.ImageCapture === 'function', 'no global ImageCapture');
        },
      },
      ...behaviourCases(),
      ...ourPhotoCases(),
    ],
  },
  {
    name: 'install({force: true})',
    id: 'forced',
    browsers: ['chromium', 'firefox'],
    ours: ours(ALL, ALL),
    async setup(ctx) {
      const pkg = await import('../dist/index.js');
      ctx.install = pkg.install;
      ctx.report = pkg.install({ force: true });
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: [
      {
        name: 'install({force: true}) reports every member supplied',
        async run({ report }) {
          check(sameRecord(report, SUPPLIED_ALL), `reported ${JSON.stringify(report)}`);
        },
      },
      {
        name: "install({force: true}) replaces the browser's ImageCapture",
        browsers: ['chromium'],
        async run({ original }) {
          check(typeof original.ImageCapture === 'function', 'the browser had no ImageCapture');
          check(globalThis.ImageCapture !== original.ImageCapture, 'the global is the browser one');
        },
      },
      ...behaviourCases(),
      ...ourPhotoCases(),
    ],
  },
  {
    name: 'install() over an ImageCapture without grabFrame (the shape of Safari 18)',
    id: 'partial',
    browsers: ['chromium'],
    ours: ours(['grabFrame'], []),
    kept: kept(['takePhoto', 'getPhotoCapabilities', 'getPhotoSettings'], []),
    prepare() {
      delete globalThis.ImageCapture.prototype.grabFrame;
    },
    async setup(ctx) {
      const pkg = await import('../dist/index.js');
      ctx.exported = pkg.ImageCapture;
      ctx.install = pkg.install;
      ctx.report = pkg.install();
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: [
      ...installCases({
        chromium: { ...KEPT_ALL, grabFrame: 'supplied' },
      }),
      {
        name: 'install() supplies grabFrame and keeps the three working methods',
        async run({ original }) {
          check(globalThis.ImageCapture === original.ImageCapture, 'the global was replaced');
          for (const m of ['takePhoto', 'getPhotoCapabilities', 'getPhotoSettings']) {
            check(globalThis.ImageCapture.prototype[m] === original.methods[m], `${m} was replaced`);
          }
          check(typeof globalThis.ImageCapture.prototype.grabFrame === 'function', 'no grabFrame');
        },
      },
      {
        name: "the package's own ImageCapture export works beside the patched global",
        async run({ exported, camera }) {
          const track = await camera();
          const capture = new exported(track);
          check(capture.track === track, 'track is not the track passed in');
          const frame = await capture.grabFrame();
          check(frame instanceof ImageBitmap, 'grabFrame() did not give an ImageBitmap');
          frame.close();
          check((await capture.takePhoto()) instanceof Blob, 'takePhoto() did not give a Blob');
        },
      },
      {
        name: 'a supplied grabFrame called on a wrong object rejects TypeError',
        async run({ ImageCapture }) {
          await rejects(ImageCapture.prototype.grabFrame.call({}), 'TypeError', 'grabFrame.call({})');
        },
      },
      ...behaviourCases(),
      ...ourPhotoCases(),
    ],
  },
  {
    name: "install() over Firefox's legacy ImageCapture (dom.imagecapture.enabled)",
    id: 'legacy',
    browsers: ['firefox'],
    prefs: { 'dom.imagecapture.enabled': true },
    ours: ours([], ALL),
    async setup(ctx) {
      const pkg = await import('../dist/index.js');
      ctx.install = pkg.install;
      ctx.report = pkg.install();
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: [
      {
        name: 'the browser has a legacy ImageCapture with an event-based takePhoto only',
        async run({ original }) {
          check(typeof original.ImageCapture === 'function', 'no ImageCapture to begin with');
          check(typeof original.methods.takePhoto === 'function', 'no legacy takePhoto');
          check(original.methods.getPhotoCapabilities === undefined, 'it has getPhotoCapabilities');
        },
      },
      ...installCases({ firefox: { ...SUPPLIED_ALL, ImageCapture: 'kept' } }),
      {
        name: 'install() replaces the legacy takePhoto and keeps the browser constructor',
        async run({ original }) {
          check(globalThis.ImageCapture === original.ImageCapture, 'the global was replaced');
          check(globalThis.ImageCapture.prototype.takePhoto !== original.methods.takePhoto, 'legacy takePhoto kept');
        },
      },
      // The browser's own constructor stays, so only the members install() supplies are ours.
      ...behaviourCases().filter((c) => !c.name.startsWith('the constructor')),
      ...ourPhotoCases(),
    ],
  },
  {
    name: 'the imagecapture/polyfill entry',
    id: 'polyfill',
    browsers: ['chromium', 'firefox'],
    ours: ours([], ALL),
    kept: kept(ALL, []),
    async setup(ctx) {
      await import('../dist/polyfill.js');
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: [
      {
        name: 'importing imagecapture/polyfill gives a global ImageCapture with all four methods',
        async run({ ImageCapture, camera }) {
          check(typeof ImageCapture === 'function', 'no global ImageCapture');
          const track = await camera();
          const capture = new ImageCapture(track);
          check(capture.track === track, 'track is not the track passed in');
          const frame = await capture.grabFrame();
          check(frame instanceof ImageBitmap, 'grabFrame() did not give an ImageBitmap');
          frame.close();
          check((await capture.takePhoto()) instanceof Blob, 'takePhoto() did not give a Blob');
          check(isPlainObject(await capture.getPhotoCapabilities()), 'getPhotoCapabilities()');
          check(isPlainObject(await capture.getPhotoSettings()), 'getPhotoSettings()');
        },
      },
    ],
  },
];

/** The scenarios and cases that apply to `browser`, with the names node registers. */
export function plan(browser) {
  return scenarios
    .filter((s) => s.browsers.includes(browser))
    .map((s) => {
      const ourMethods = s.ours[browser] ?? [];
      const keptMethods = s.kept?.[browser] ?? [];
      const cases = s.cases.filter(
        (c) =>
          (!c.browsers || c.browsers.includes(browser)) &&
          (!c.ours || ourMethods.includes(c.ours)) &&
          (!c.browserDiffers || !keptMethods.includes(c.browserDiffers)),
      );
      const names = cases.map((c) => c.name);
      const duplicate = names.find((n, i) => names.indexOf(n) !== i);
      if (duplicate) throw new Error(`scenario ${s.id}: two cases named ${JSON.stringify(duplicate)}`);
      return { ...s, cases };
    });
}

export { Failure };

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

/** WebKit's shapes (browsers.js launches each): its own ImageCapture, without grabFrame, none. */
const WEBKIT = ['webkit-native', 'webkit-partial', 'webkit-polyfill'];
/** Every browser the tests run in. */
const EVERY = ['chromium', 'firefox', ...WEBKIT];
/** Where install() finds a browser ImageCapture with working methods of its own. */
const WEBKIT_OWN = ['webkit-native', 'webkit-partial'];

/** On a method install() wrapped: the browser's own function (see src/index.js). */
const NATIVE = Symbol.for('imagecapture.native');

/**
 * Prepares the page for `browser` before anything else runs: `webkit-partial` is WebKit's own
 * ImageCapture without grabFrame, the shape of Safari 18.x.
 */
export function prepareBrowser(browser) {
  if (browser === 'webkit-partial') delete globalThis.ImageCapture.prototype.grabFrame;
}

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
  cases.push({
    name: 'takePhoto rejects NotSupportedError for a fillLightMode the capabilities do not offer',
    // Chromium's own takePhoto takes "flash" on a camera without one.
    browserDiffers: 'takePhoto',
    async run({ ImageCapture, camera }) {
      const capture = new ImageCapture(await camera());
      const { fillLightMode } = await capture.getPhotoCapabilities();
      const missing = ['flash', 'auto', 'off'].find((m) => !(fillLightMode ?? []).includes(m));
      check(missing !== undefined, 'the camera offers every fill light mode');
      await rejects(
        capture.takePhoto({ fillLightMode: missing }),
        'NotSupportedError',
        `takePhoto({fillLightMode: "${missing}"})`,
      );
    },
  });
  cases.push({
    name: 'getPhotoCapabilities() gives redEyeReduction, imageHeight, imageWidth and fillLightMode',
    // Chromium's own leaves fillLightMode out on a camera without a flash.
    browserDiffers: 'getPhotoCapabilities',
    async run({ ImageCapture, camera }) {
      const capabilities = await new ImageCapture(await camera()).getPhotoCapabilities();
      for (const key of ['redEyeReduction', 'imageHeight', 'imageWidth', 'fillLightMode']) {
        check(key in capabilities, `no ${key} in ${JSON.stringify(capabilities)}`);
      }
    },
  });
  cases.push({
    name: 'getPhotoSettings() gives redEyeReduction, imageHeight and imageWidth',
    browserDiffers: 'getPhotoSettings',
    async run({ ImageCapture, camera }) {
      const settings = await new ImageCapture(await camera()).getPhotoSettings();
      for (const key of ['redEyeReduction', 'imageHeight', 'imageWidth']) {
        check(key in settings, `no ${key} in ${JSON.stringify(settings)}`);
      }
    },
  });
  for (const method of ['takePhoto', 'grabFrame']) {
    cases.push({
      name: `${method}() cut short by the track ending resolves or rejects UnknownError or InvalidStateError`,
      // WebKit's own rejects OperationError; Chromium's own grabFrame rejects with undefined.
      browserDiffers: method,
      async run({ ImageCapture, camera }) {
        for (let i = 0; i < 3; i += 1) {
          const track = await camera();
          const capture = new ImageCapture(track);
          const pending = call(capture, method);
          // After the call has begun (a task later), while it waits for its picture.
          setTimeout(() => track.stop(), 0);
          try {
            await bounded(pending, 15_000, `${method}() on a track stopped meanwhile`);
          } catch (error) {
            if (error instanceof Failure) throw error;
            check(
              isNamed(error, 'UnknownError') || isNamed(error, 'InvalidStateError'),
              `${method}() cut short rejected with ${describeValue(error)}`,
            );
          }
        }
      },
    });
  }
  for (const [label, settings] of [
    ['a negative imageWidth', { imageWidth: -5 }],
    ['a negative imageHeight', { imageHeight: -5 }],
    ['an imageWidth of 0', { imageWidth: 0 }],
  ]) {
    cases.push({
      name: `takePhoto rejects NotSupportedError for ${label}`,
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        await rejects(capture.takePhoto(settings), 'NotSupportedError', `takePhoto(${JSON.stringify(settings)})`);
      },
    });
  }
  cases.push({
    name: 'takePhoto rejects NotSupportedError for an imageHeight above the capabilities',
    async run({ ImageCapture, camera }) {
      const capture = new ImageCapture(await camera());
      const { imageHeight } = await capture.getPhotoCapabilities();
      check(imageHeight && Number.isFinite(imageHeight.max), 'no imageHeight range to exceed');
      await rejects(
        capture.takePhoto({ imageHeight: imageHeight.max + 1000 }),
        'NotSupportedError',
        'takePhoto({imageHeight: max + 1000})',
      );
    },
  });
  cases.push({
    // The first grab of an ImageCapture may be the browser's own (while ours has no frame
    // yet) and the next ones ours: across the switch no frame is handed out twice. Chromium's
    // fake camera changes its picture at every frame.
    name: 'grabFrame() never gives the same frame twice, from the first grab on',
    browsers: ['chromium'],
    async run({ ImageCapture, camera }) {
      const capture = new ImageCapture(await camera());
      let last = null;
      for (let i = 1; i <= 8; i += 1) {
        const frame = await bounded(capture.grabFrame(), 15_000, `grab ${i}`);
        const hash = pictureHash(frame);
        frame.close();
        check(hash !== last, `grab ${i} gave the frame grab ${i - 1} gave`);
        last = hash;
        // Back to back and on demand, in turn.
        if (i % 2 === 0) await pause(70);
      }
    },
  });
  cases.push({
    name: 'concurrent grabFrame() calls all settle, each with an ImageBitmap or a DOMException',
    async run({ ImageCapture, camera }) {
      const capture = new ImageCapture(await camera());
      const outcomes = await bounded(
        Promise.allSettled([1, 2, 3, 4].map(() => capture.grabFrame())),
        15_000,
        'four grabFrame() calls at once',
      );
      let frames = 0;
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') {
          check(outcome.value instanceof ImageBitmap, `a grab resolved with ${describeValue(outcome.value)}`);
          outcome.value.close();
          frames += 1;
        } else {
          check(outcome.reason instanceof DOMException, `a grab rejected with ${describeValue(outcome.reason)}`);
        }
      }
      check(frames > 0, 'every concurrent grab failed');
    },
  });
  for (const method of ['getPhotoCapabilities', 'getPhotoSettings']) {
    cases.push({
      // The track is live when the method is called; ending it meanwhile is a failure to gather
      // the data, which the spec names OperationError (InvalidStateError is for a call made on
      // a track that is not live).
      name: `${method}() in flight when the track stops resolves or rejects OperationError`,
      async run({ ImageCapture, camera }) {
        const track = await camera();
        const capture = new ImageCapture(track);
        const pending = capture[method]();
        track.stop();
        try {
          await bounded(pending, 15_000, `${method}() with the track stopped meanwhile`);
        } catch (error) {
          if (error instanceof Failure) throw error;
          check(isNamed(error, 'OperationError'), `${method}() rejected with ${describeValue(error)}`);
        }
      },
    });
  }
  cases.push({
    name: 'ImageCapture has the WebIDL shape: enumerable operations and track, not an enumerable global',
    async run({ ImageCapture, camera }) {
      const proto = ImageCapture.prototype;
      for (const name of [...METHODS, 'track']) {
        const descriptor = Object.getOwnPropertyDescriptor(proto, name);
        check(descriptor, `ImageCapture.prototype has no own ${name}`);
        check(descriptor.enumerable, `ImageCapture.prototype.${name} is not enumerable`);
        check(descriptor.configurable, `ImageCapture.prototype.${name} is not configurable`);
      }
      check(typeof Object.getOwnPropertyDescriptor(proto, 'track').get === 'function', 'track is not a getter');
      if (globalThis.ImageCapture === ImageCapture) {
        const global = Object.getOwnPropertyDescriptor(globalThis, 'ImageCapture');
        check(global && !global.enumerable, 'the global ImageCapture is enumerable');
        check(global.writable && global.configurable, 'the global ImageCapture is not writable and configurable');
      }
      const capture = new ImageCapture(await camera());
      const tag = Object.prototype.toString.call(capture);
      check(tag === '[object ImageCapture]', `Object.prototype.toString gives ${tag}`);
    },
  });
  cases.push({
    name: "takePhoto() on a canvas track gives a photo of the canvas's size",
    async run({ ImageCapture }) {
      const track = canvasTrack();
      try {
        const capture = new ImageCapture(track);
        const photo = await bounded(capture.takePhoto(), 15_000, 'takePhoto() on a canvas track');
        check(photo instanceof Blob, `takePhoto() resolved with ${describeValue(photo)}`);
        const { width, height } = await imageSize(photo);
        check(width === 64 && height === 48, `the photo is ${width}×${height}, the canvas 64×48`);
      } finally {
        track.stop();
      }
    },
  });
  cases.push({
    // The browsers here give a canvas track's size in its settings; a generated track, or
    // another browser's canvas track, may not. Such a track is made here by hiding the two
    // members from the track's own getSettings().
    name: 'takePhoto() on a track whose settings give no width and height takes the size from the frame',
    async run({ ImageCapture }) {
      const track = canvasTrack();
      const own = track.getSettings.bind(track);
      track.getSettings = () => {
        const { width, height, ...rest } = own();
        return rest;
      };
      try {
        check(!('width' in track.getSettings()), 'the settings still give a width');
        const capture = new ImageCapture(track);
        const photo = await bounded(capture.takePhoto(), 15_000, 'takePhoto() on a track without a size');
        const { width, height } = await imageSize(photo);
        check(width === 64 && height === 48, `the photo is ${width}×${height}, the frames 64×48`);
      } finally {
        track.stop();
      }
    },
  });
  cases.push({
    name: 'takePhoto() takes what getPhotoSettings() gave, and redEyeReduction: true stays NotSupportedError',
    async run({ ImageCapture, camera }) {
      const capture = new ImageCapture(await camera());
      const settings = await capture.getPhotoSettings();
      const { redEyeReduction } = await capture.getPhotoCapabilities();
      const photo = await bounded(capture.takePhoto(settings), 15_000, `takePhoto(${JSON.stringify(settings)})`);
      check(photo instanceof Blob, `takePhoto(getPhotoSettings()) resolved with ${describeValue(photo)}`);
      if (redEyeReduction === 'never') {
        check(settings.redEyeReduction === false, `getPhotoSettings() gave ${JSON.stringify(settings)}`);
        await rejects(
          capture.takePhoto({ ...settings, redEyeReduction: true }),
          'NotSupportedError',
          'takePhoto({redEyeReduction: true}) on a camera that never reduces red-eye',
        );
      }
    },
  });
  for (const method of ['getPhotoCapabilities', 'getPhotoSettings']) {
    cases.push({
      name: `${method}() on a canvas track resolves or rejects OperationError`,
      // WebKit's own rejects UnknownError ("Not supported").
      browserDiffers: method,
      async run({ ImageCapture }) {
        const track = canvasTrack();
        try {
          const capture = new ImageCapture(track);
          try {
            await bounded(capture[method](), 15_000, `${method}() on a canvas track`);
          } catch (error) {
            if (error instanceof Failure) throw error;
            check(isNamed(error, 'OperationError'), `${method}() rejected with ${describeValue(error)}`);
          }
        } finally {
          track.stop();
        }
      },
    });
  }
  return cases;
}

/**
 * A live video track of a small canvas (not a camera's), repainted every 50 ms until the track
 * ends: WebKit's canvas track delivers a frame only when the canvas changes.
 */
function canvasTrack() {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const context = canvas.getContext('2d');
  let shade = 0;
  const paint = () => {
    shade = (shade + 40) % 256;
    context.fillStyle = `rgb(255, ${shade}, 0)`;
    context.fillRect(0, 0, 64, 48);
  };
  paint();
  const track = canvas.captureStream(10).getVideoTracks()[0];
  const timer = setInterval(() => (track.readyState === 'ended' ? clearInterval(timer) : paint()), 50);
  return track;
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
    {
      name: 'takePhoto({imageWidth, imageHeight}) within the range gives a photo of that size',
      browserDiffers: 'takePhoto',
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        const { imageWidth, imageHeight } = await capture.getPhotoCapabilities();
        const wanted = {
          imageWidth: Math.min(Math.max(imageWidth.min, 400), imageWidth.max),
          imageHeight: Math.min(Math.max(imageHeight.min, 300), imageHeight.max),
        };
        const { width, height } = await imageSize(await capture.takePhoto(wanted));
        check(
          width === wanted.imageWidth && height === wanted.imageHeight,
          `asked for ${wanted.imageWidth}×${wanted.imageHeight}, got ${width}×${height}`,
        );
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// WebKit's own ImageCapture, raw (the differences docs/webkit.md records)

/** The brightest channel value of a picture (an ImageBitmap, a <video>…), 0 for black. */
function brightest(image) {
  const canvas = new OffscreenCanvas(image.width || image.videoWidth, image.height || image.videoHeight);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  let max = 0;
  for (let i = 0; i < data.length; i += 4) max = Math.max(max, data[i], data[i + 1], data[i + 2]);
  return max;
}

/** A hash (FNV-1a) of a picture's pixels. */
function pictureHash(image) {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  let hash = 0x811c9dc5;
  for (let i = 0; i < data.length; i += 1) hash = Math.imul(hash ^ data[i], 0x01000193);
  return hash >>> 0;
}

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function webkitOwnCases() {
  return [
    {
      // Outside ImageCapture, but it decides how ours draws photos (imagecapture-web's
      // photo.rs cuts parts out with createImageBitmap instead).
      name: "WebKit's drawImage of a VideoFrame ignores the source rectangle",
      async run() {
        const source = document.createElement('canvas');
        source.width = 64;
        source.height = 64;
        const context = source.getContext('2d');
        context.fillStyle = 'rgb(255, 0, 0)';
        context.fillRect(0, 0, 32, 64);
        context.fillStyle = 'rgb(0, 0, 255)';
        context.fillRect(32, 0, 32, 64);
        const pixel = (image, ...rect) => {
          const out = new OffscreenCanvas(8, 8).getContext('2d');
          out.drawImage(image, ...rect, 0, 0, 8, 8);
          return [...out.getImageData(1, 4, 1, 1).data.slice(0, 3)];
        };
        // The right (blue) half: a canvas draws it; a VideoFrame of the same canvas draws
        // the whole frame, whose left edge is red.
        const fromCanvas = pixel(source, 32, 0, 32, 64);
        check(fromCanvas[2] > 200 && fromCanvas[0] < 50, `a canvas's right half gave ${fromCanvas}`);
        const frame = new VideoFrame(source, { timestamp: 0 });
        const fromFrame = pixel(frame, 32, 0, 32, 64);
        frame.close();
        check(fromFrame[0] > 200 && fromFrame[2] < 50, `a VideoFrame's right half gave ${fromFrame}: WebKit changed`);
      },
    },
    {
      name: "WebKit's own grabFrame and takePhoto resolve on a disabled track, with the live picture",
      async run({ ImageCapture, camera }) {
        const track = await camera();
        const video = document.createElement('video');
        video.muted = true;
        video.srcObject = new MediaStream([track]);
        await video.play();
        const capture = new ImageCapture(track);
        track.enabled = false;
        await pause(500);
        check(brightest(video) <= 16, 'a <video> of the disabled track is not black');
        const frame = await bounded(capture.grabFrame(), 15_000, 'grabFrame() on a disabled track');
        check(brightest(frame) > 64, 'the frame of a disabled track is black: WebKit changed');
        frame.close();
        const photo = await bounded(capture.takePhoto(), 15_000, 'takePhoto() on a disabled track');
        const bitmap = await createImageBitmap(photo);
        check(brightest(bitmap) > 64, 'the photo of a disabled track is black: WebKit changed');
        video.srcObject = null;
      },
    },
    {
      name: "WebKit's own getPhotoCapabilities and getPhotoSettings resolve on a disabled track",
      async run({ ImageCapture, camera }) {
        const track = await camera();
        const capture = new ImageCapture(track);
        track.enabled = false;
        await bounded(capture.getPhotoCapabilities(), 15_000, 'getPhotoCapabilities()');
        await bounded(capture.getPhotoSettings(), 15_000, 'getPhotoSettings()');
      },
    },
    {
      name: "WebKit's own takePhoto ignores imageWidth and imageHeight",
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        const sizes = [];
        for (const settings of [{ imageWidth: 320 }, { imageWidth: 480, imageHeight: 360 }, { imageHeight: 100 }]) {
          const { width, height } = await imageSize(await capture.takePhoto(settings));
          sizes.push(`${JSON.stringify(settings)} → ${width}×${height}`);
          const honoured =
            (settings.imageWidth === undefined || settings.imageWidth === width) &&
            (settings.imageHeight === undefined || settings.imageHeight === height);
          check(!honoured, `WebKit honoured ${JSON.stringify(settings)}: WebKit changed (${sizes})`);
        }
      },
    },
    {
      name: "WebKit's own takePhoto resolves for settings outside its capabilities",
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        const capabilities = await capture.getPhotoCapabilities();
        check(!('fillLightMode' in capabilities), 'WebKit offers fillLightMode: WebKit changed');
        for (const settings of [
          { imageWidth: capabilities.imageWidth.max + 1000 },
          { imageWidth: -640 },
          { redEyeReduction: true },
          { fillLightMode: 'flash' },
        ]) {
          const photo = await bounded(capture.takePhoto(settings), 15_000, `takePhoto(${JSON.stringify(settings)})`);
          check(photo instanceof Blob, `takePhoto(${JSON.stringify(settings)}) gave ${describeValue(photo)}`);
        }
      },
    },
    {
      name: "WebKit's own takePhoto rejects TypeError for a NaN imageWidth",
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        await rejects(capture.takePhoto({ imageWidth: NaN }), 'TypeError', 'takePhoto({imageWidth: NaN})');
      },
    },
    {
      name: "WebKit's own concurrent grabFrame calls all resolve",
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        const outcomes = await bounded(
          Promise.allSettled([1, 2, 3, 4].map(() => capture.grabFrame())),
          15_000,
          'four grabFrame() calls at once',
        );
        for (const o of outcomes) {
          check(o.status === 'fulfilled' && o.value instanceof ImageBitmap, `a grab gave ${describeValue(o.reason ?? o.value)}`);
          o.value.close();
        }
      },
    },
    {
      name: "WebKit's own getPhotoCapabilities gives only imageHeight and imageWidth",
      async run({ ImageCapture, camera }) {
        const capabilities = await new ImageCapture(await camera()).getPhotoCapabilities();
        const keys = Object.keys(capabilities).sort();
        check(
          JSON.stringify(keys) === '["imageHeight","imageWidth"]',
          `WebKit gave ${JSON.stringify(capabilities)}: WebKit changed`,
        );
      },
    },
    {
      name: "WebKit's own getPhotoSettings leaves out redEyeReduction, and gives fillLightMode its capabilities lack",
      async run({ ImageCapture }) {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { zoom: true } });
        const track = stream.getVideoTracks()[0];
        try {
          check(track.getCapabilities().torch === true, 'the mock camera has no torch when asked for zoom');
          const capture = new ImageCapture(track);
          const settings = await capture.getPhotoSettings();
          const capabilities = await capture.getPhotoCapabilities();
          check(!('redEyeReduction' in settings), `WebKit gave ${JSON.stringify(settings)}: WebKit changed`);
          check(
            settings.fillLightMode === 'off' && !('fillLightMode' in capabilities),
            `settings ${JSON.stringify(settings)}, capabilities ${JSON.stringify(capabilities)}: WebKit changed`,
          );
        } finally {
          track.stop();
        }
      },
    },
    {
      name: "WebKit's own grabFrame and takePhoto reject OperationError when the track ends during the call",
      async run({ ImageCapture, camera }) {
        for (const method of ['grabFrame', 'takePhoto']) {
          const track = await camera();
          const capture = new ImageCapture(track);
          const pending = call(capture, method);
          track.stop();
          await rejects(pending, 'OperationError', `${method}() on a track stopped meanwhile`);
        }
      },
    },
    {
      name: "WebKit's own getPhotoCapabilities and getPhotoSettings reject UnknownError for a canvas track",
      async run({ ImageCapture }) {
        const track = canvasTrack();
        try {
          const capture = new ImageCapture(track);
          await rejects(capture.getPhotoCapabilities(), 'UnknownError', 'getPhotoCapabilities() of a canvas track');
          await rejects(capture.getPhotoSettings(), 'UnknownError', 'getPhotoSettings() of a canvas track');
        } finally {
          track.stop();
        }
      },
    },
    {
      name: "WebKit's own takePhoto gives a PNG",
      async run({ ImageCapture, camera }) {
        const photo = await new ImageCapture(await camera()).takePhoto();
        check(photo.type === 'image/png' && (await magic(photo)) === 'image/png', `a ${photo.type} photo`);
      },
    },
    {
      name: "WebKit's OverconstrainedError is not a DOMException",
      async run({ camera }) {
        const track = await camera();
        try {
          await track.applyConstraints({ width: { exact: 99999 } });
        } catch (error) {
          check(error.name === 'OverconstrainedError' && error.constraint === 'width', describeValue(error));
          check(!(error instanceof DOMException), 'it is a DOMException: WebKit changed');
          return;
        }
        throw new Failure('applyConstraints({width: {exact: 99999}}) resolved');
      },
    },
    {
      name: "WebKit's applyConstraints takes a required control the camera lacks",
      async run({ camera }) {
        const track = await camera();
        check(navigator.mediaDevices.getSupportedConstraints().whiteBalanceMode, 'whiteBalanceMode unknown');
        check(!('whiteBalanceMode' in track.getCapabilities()), 'the mock camera has whiteBalanceMode');
        await bounded(
          track.applyConstraints({ whiteBalanceMode: { exact: 'manual' } }),
          15_000,
          'applyConstraints({whiteBalanceMode: {exact: "manual"}})',
        );
      },
    },
    {
      name: "WebKit's mock camera keeps its frame size when applyConstraints changes the settings' size",
      async run({ camera }) {
        const track = await camera();
        const video = document.createElement('video');
        video.muted = true;
        video.srcObject = new MediaStream([track]);
        await video.play();
        await track.applyConstraints({ width: { exact: 1280 } });
        check(track.getSettings().width === 1280, `settings ${JSON.stringify(track.getSettings())}`);
        await pause(1000);
        check(video.videoWidth === 640, `the <video> shows ${video.videoWidth} wide: WebKit changed`);
        video.srcObject = null;
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Chromium's own ImageCapture, raw (the faults docs/chromium.md records)

/** Settles `promise` within 15 s: `{ value }` or `{ error }`. */
async function outcome(promise, what) {
  try {
    return { value: await bounded(promise, 15_000, what) };
  } catch (error) {
    if (error instanceof Failure) throw error;
    return { error };
  }
}

function chromiumOwnCases() {
  return [
    {
      name: "Chromium's own takePhoto ignores an imageWidth inside its own range",
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        const { imageWidth } = await capture.getPhotoCapabilities();
        const wanted = Math.max(imageWidth.min, 320);
        check(wanted <= imageWidth.max, `${wanted} is outside ${JSON.stringify(imageWidth)}`);
        const { width, height } = await imageSize(await capture.takePhoto({ imageWidth: wanted }));
        check(width !== wanted, `Chromium honoured imageWidth ${wanted} (${width}×${height}): Chromium changed`);
      },
    },
    {
      name: "Chromium's own takePhoto resolves for a negative imageWidth",
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        const got = await outcome(capture.takePhoto({ imageWidth: -5 }), 'takePhoto({imageWidth: -5})');
        check(got.value instanceof Blob, `takePhoto({imageWidth: -5}) gave ${describeValue(got.error ?? got.value)}: Chromium changed`);
      },
    },
    {
      name: "Chromium's own takePhoto rejects TypeError for a NaN imageWidth",
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        await rejects(capture.takePhoto({ imageWidth: NaN }), 'TypeError', 'takePhoto({imageWidth: NaN})');
      },
    },
    {
      name: "Chromium's own takePhoto rejects NotSupportedError above its range once its capabilities were read",
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        const { imageWidth } = await capture.getPhotoCapabilities();
        await rejects(
          capture.takePhoto({ imageWidth: imageWidth.max + 1000 }),
          'NotSupportedError',
          'takePhoto({imageWidth: max + 1000})',
        );
      },
    },
    {
      name: "Chromium's own second grabFrame while one is pending rejects with undefined",
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        const first = capture.grabFrame();
        const second = await outcome(capture.grabFrame(), 'a second grabFrame()');
        const firstOutcome = await outcome(first, 'the first grabFrame()');
        firstOutcome.value?.close?.();
        second.value?.close?.();
        check(
          'error' in second && second.error === undefined,
          `the second grabFrame() gave ${describeValue(second.error ?? second.value)}: Chromium changed`,
        );
      },
    },
    {
      name: "Chromium's own getPhotoSettings leaves out redEyeReduction, and its takePhoto rejects redEyeReduction: false",
      async run({ ImageCapture, camera }) {
        const capture = new ImageCapture(await camera());
        const settings = await capture.getPhotoSettings();
        const { redEyeReduction } = await capture.getPhotoCapabilities();
        check(redEyeReduction === 'never', `redEyeReduction is ${redEyeReduction}`);
        check(!('redEyeReduction' in settings), `Chromium gave ${JSON.stringify(settings)}: Chromium changed`);
        await rejects(capture.takePhoto({ redEyeReduction: false }), 'NotSupportedError', 'takePhoto({redEyeReduction: false})');
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Digital zoom (`new ImageCapture(track, { digitalZoom: true })`, `install({ digitalZoom: true })`)

/** Checks `promise` rejects with an OverconstrainedError naming `constraint`. */
async function overconstrained(promise, constraint, what) {
  let error = null;
  try {
    await bounded(promise, 15_000, what);
  } catch (thrown) {
    error = thrown;
  }
  // WebKit's OverconstrainedError is not a DOMException (docs/webkit.md): check by name.
  check(error?.name === 'OverconstrainedError', `${what} gave ${describeValue(error)}`);
  check(error.constraint === constraint, `${what} named ${error.constraint}, not ${constraint}`);
}

/** The cases of a track whose ImageCapture `make(track)` turned digital zoom on. */
function digitalZoomCases(make) {
  const zoomed = async (ctx) => {
    const track = await ctx.camera();
    const capture = make(ctx, track);
    return { track, capture };
  };
  return [
    {
      name: 'digital zoom: the track offers zoom, pan and tilt under the spec names and ranges',
      async run(ctx) {
        const { track } = await zoomed(ctx);
        const caps = track.getCapabilities();
        check(sameRecord(caps.zoom, { min: 1, max: 4, step: 0.1 }), `zoom ${JSON.stringify(caps.zoom)}`);
        for (const name of ['pan', 'tilt']) {
          const want = { min: -648000, max: 648000, step: 3600 };
          check(sameRecord(caps[name], want), `${name} ${JSON.stringify(caps[name])}`);
        }
        const settings = track.getSettings();
        check(settings.zoom === 1 && settings.pan === 0 && settings.tilt === 0, `settings ${JSON.stringify(settings)}`);
        check(settings.width > 0 && settings.height > 0, "the browser's own settings are gone");
      },
    },
    {
      name: 'digital zoom: zoom 2 is applied, read back, and frames and photos keep the track size',
      async run(ctx) {
        const { track, capture } = await zoomed(ctx);
        const asked = { advanced: [{ zoom: 2 }] };
        await bounded(track.applyConstraints(asked), 15_000, 'applyConstraints zoom 2');
        const settings = track.getSettings();
        check(settings.zoom === 2, `zoom reads back ${settings.zoom}`);
        check(track.getConstraints().advanced?.[0]?.zoom === 2, `getConstraints() ${JSON.stringify(track.getConstraints())}`);
        const frame = await capture.grabFrame();
        const size = [frame.width, frame.height];
        frame.close();
        check(size[0] === settings.width && size[1] === settings.height, `frame ${size} at zoom 2`);
        const photo = await imageSize(await capture.takePhoto());
        check(photo.width === settings.width && photo.height === settings.height, `photo ${JSON.stringify(photo)}`);
      },
    },
    {
      name: 'digital zoom: bad input is a typed error and leaves the zoom and the track working',
      async run(ctx) {
        const { track, capture } = await zoomed(ctx);
        await track.applyConstraints({ zoom: { exact: 2 } });
        await overconstrained(track.applyConstraints({ zoom: { exact: 9 } }), 'zoom', 'zoom exact 9');
        await overconstrained(track.applyConstraints({ zoom: { min: 3, max: 2 } }), 'zoom', 'zoom min > max');
        for (const [label, bad] of [
          ['zoom NaN', { zoom: NaN }],
          ["zoom 'big'", { zoom: 'big' }],
          ['advanced zoom Infinity', { advanced: [{ zoom: Infinity }] }],
          ['pan -Infinity', { pan: { ideal: -Infinity } }],
          ['advanced not a list', { advanced: 5 }],
        ]) {
          await rejects(track.applyConstraints(bad), 'TypeError', `applyConstraints(${label})`);
        }
        check(track.getSettings().zoom === 2, `zoom is ${track.getSettings().zoom} after the rejections`);
        // WebIDL converts a string to a number for a double.
        await track.applyConstraints({ zoom: '3' });
        check(track.getSettings().zoom === 3, `zoom '3' gave ${track.getSettings().zoom}`);
        // Unknown members are ignored.
        await track.applyConstraints({ zoom: 2, noSuchMember: 1 });
        check(track.getSettings().zoom === 2, `zoom 2 with an unknown member`);
        const frame = await capture.grabFrame();
        frame.close();
      },
    },
    {
      name: 'digital zoom: ideals are clamped and snapped, and an unsatisfiable advanced set is skipped',
      async run(ctx) {
        const { track } = await zoomed(ctx);
        await track.applyConstraints({ zoom: { ideal: 99 } });
        check(track.getSettings().zoom === 4, `ideal 99 gave ${track.getSettings().zoom}`);
        await track.applyConstraints({ zoom: { ideal: 2.04 } });
        check(Math.abs(track.getSettings().zoom - 2) < 1e-9, `ideal 2.04 gave ${track.getSettings().zoom}`);
        await track.applyConstraints({ advanced: [{ zoom: 3, pan: 10_000_000 }, { zoom: 1.5 }] });
        const settings = track.getSettings();
        check(settings.zoom === 1.5 && settings.pan === 0, `advanced gave ${JSON.stringify(settings)}`);
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/**
 * Which methods are ours in a scenario, per browser: in the class under test, or behind it (a
 * method install() wrapped is the browser's, not ours). Any browser not named: none.
 */
function ours(perBrowser) {
  return perBrowser;
}

/**
 * Which methods of the class under test are the browser's own, untouched, per browser (where
 * the browser's own differs from the spec, `browserDiffers` cases do not hold). A method
 * install() wrapped is not: it goes through this package. Any browser not named: none.
 */
function kept(perBrowser) {
  return perBrowser;
}

/** The methods that are ours in the package's own class, or behind install(), per browser. */
const OURS_BY_DEFAULT = {
  chromium: ['grabFrame'],
  firefox: ALL,
  'webkit-native': ['grabFrame'],
  'webkit-partial': ['grabFrame'],
  'webkit-polyfill': ALL,
};

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
const WRAPPED_ALL = {
  ImageCapture: 'kept',
  track: 'kept',
  takePhoto: 'wrapped',
  getPhotoCapabilities: 'wrapped',
  getPhotoSettings: 'wrapped',
  grabFrame: 'wrapped',
};
/** Over a browser ImageCapture without grabFrame (Safari 18's shape): its three methods wrapped. */
const WRAPPED_BUT_GRAB = { ...WRAPPED_ALL, grabFrame: 'supplied' };
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
    browsers: EVERY,
    ours: ours(OURS_BY_DEFAULT),
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
        name: 'without the digitalZoom option the track keeps the browser methods',
        async run({ ImageCapture, camera }) {
          const track = await camera();
          new ImageCapture(track);
          for (const m of ['getCapabilities', 'getSettings', 'getConstraints', 'applyConstraints']) {
            check(!Object.hasOwn(track, m), `the track got its own ${m}`);
          }
        },
      },
      {
        name: 'digital zoom is not in the default entry: a NotSupportedError, and nothing changes',
        async run({ ImageCapture, install, camera, original }) {
          const track = await camera();
          const supported = navigator.mediaDevices.getSupportedConstraints;
          throws(() => new ImageCapture(track, { digitalZoom: true }), 'NotSupportedError', 'new ImageCapture(track, {digitalZoom: true})');
          throws(() => install({ digitalZoom: true }), 'NotSupportedError', 'install({digitalZoom: true})');
          check(globalThis.ImageCapture === original.ImageCapture, 'install() changed the global');
          for (const [m, method] of Object.entries(original.methods)) {
            check(original.ImageCapture?.prototype?.[m] === method, `install() changed ${m}`);
          }
          check(navigator.mediaDevices.getSupportedConstraints === supported, 'install() patched getSupportedConstraints');
          for (const m of ['getCapabilities', 'getSettings', 'getConstraints', 'applyConstraints']) {
            check(!Object.hasOwn(track, m), `the track got its own ${m}`);
          }
          // The option off (or falsy) is fine, and the object works.
          const frame = await new ImageCapture(track, { digitalZoom: false }).grabFrame();
          check(frame instanceof ImageBitmap, 'grabFrame() with digitalZoom: false');
          frame.close();
        },
      },
      {
        name: 'a Rust panic rejects the pending call and leaves the module usable',
        async run({ ImageCapture, camera, glue }) {
          const track = await camera();
          const capture = new ImageCapture(track);
          // A call loads the module (lazy): the panic below is the module's.
          await capture.getPhotoSettings();
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
    browsers: EVERY,
    ours: ours(OURS_BY_DEFAULT),
    async setup(ctx) {
      const pkg = await import('../dist/index.js');
      ctx.install = pkg.install;
      ctx.report = pkg.install();
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: [
      ...installCases({
        chromium: WRAPPED_ALL,
        firefox: SUPPLIED_ALL,
        'webkit-native': WRAPPED_ALL,
        'webkit-partial': WRAPPED_BUT_GRAB,
        'webkit-polyfill': SUPPLIED_ALL,
      }),
      {
        name: "install()'s plan is the module's installPlan()",
        async run({ report, ImageCapture, camera, glue }) {
          // A call loads the module (lazy); its answer must be what install() decided in JS.
          await new ImageCapture(await camera()).getPhotoSettings();
          const plan = glue.installPlan();
          for (const m of METHODS) {
            check(plan[m] === report[m], `install() said ${m} ${report[m]}, the module says ${plan[m]}`);
          }
        },
      },
      {
        name: "install() wraps the browser's methods, each keeping its function reachable, and supplies a missing grabFrame",
        browsers: ['chromium', ...WEBKIT_OWN],
        async run({ original, browser }) {
          check(globalThis.ImageCapture === original.ImageCapture, 'the global was replaced');
          for (const m of METHODS) {
            const now = globalThis.ImageCapture.prototype[m];
            if (m === 'grabFrame' && browser === 'webkit-partial') {
              check(original.methods[m] === undefined, `the browser's grabFrame is ${describeValue(original.methods[m])}`);
              check(typeof now === 'function' && now[NATIVE] === undefined, 'grabFrame is not supplied');
            } else {
              check(now !== original.methods[m], `${m} is the browser's, unwrapped`);
              check(now[NATIVE] === original.methods[m], `${m} does not carry the browser's function`);
            }
          }
        },
      },
      {
        name: 'install() supplies ImageCapture where the browser has none',
        browsers: ['firefox', 'webkit-polyfill'],
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
    // Calls made in the same task as the import, before the WebAssembly module can be there
    // (it is fetched and compiled in the background): the spec's first steps are made at once
    // in plain JS, the rest once the module is.
    name: 'calls made right after the import, before the module is loaded',
    id: 'early',
    browsers: EVERY,
    ours: ours(OURS_BY_DEFAULT),
    async setup(ctx) {
      const live = (await navigator.mediaDevices.getUserMedia({ video: true })).getVideoTracks()[0];
      const ended = (await navigator.mediaDevices.getUserMedia({ video: true })).getVideoTracks()[0];
      ended.stop();
      const started = performance.now();
      const pkg = await import('../dist/index.js');
      const capture = new pkg.ImageCapture(live);
      const stopped = new pkg.ImageCapture(ended);
      ctx.early = {
        importMs: performance.now() - started,
        nan: capture.takePhoto({ imageWidth: NaN }),
        bogus: capture.takePhoto({ fillLightMode: 'bogus' }),
        number: capture.takePhoto(42),
        negative: capture.takePhoto({ imageWidth: -5 }),
        photo: capture.takePhoto({ imageWidth: 320 }),
        frame: capture.grabFrame(),
        settings: capture.getPhotoSettings(),
        endedFrame: stopped.grabFrame(),
        endedCapabilities: stopped.getPhotoCapabilities(),
      };
      ctx.earlyTrack = live;
      ctx.ImageCapture = pkg.ImageCapture;
      for (const promise of Object.values(ctx.early)) promise?.catch?.(() => {});
    },
    cases: [
      {
        name: 'the spec errors of the first steps come at once: TypeError, then InvalidStateError',
        async run({ early }) {
          await rejects(early.nan, 'TypeError', 'takePhoto({imageWidth: NaN})');
          await rejects(early.bogus, 'TypeError', 'takePhoto({fillLightMode: "bogus"})');
          await rejects(early.number, 'TypeError', 'takePhoto(42)');
          await rejects(early.endedFrame, 'InvalidStateError', 'grabFrame() on an ended track');
          await rejects(early.endedCapabilities, 'InvalidStateError', 'getPhotoCapabilities() on an ended track');
        },
      },
      {
        name: 'the checks against the capabilities and the results come once the module is there',
        async run({ early, earlyTrack }) {
          await rejects(early.negative, 'NotSupportedError', 'takePhoto({imageWidth: -5})');
          const { width } = await imageSize(await bounded(early.photo, 15_000, 'takePhoto({imageWidth: 320})'));
          check(width === 320, `the photo is ${width} wide`);
          const frame = await bounded(early.frame, 15_000, 'grabFrame()');
          check(frame instanceof ImageBitmap, `grabFrame() gave ${describeValue(frame)}`);
          frame.close();
          const settings = await bounded(early.settings, 15_000, 'getPhotoSettings()');
          check(settings.imageWidth === earlyTrack.getSettings().width, JSON.stringify(settings));
          earlyTrack.stop();
        },
      },
    ],
  },
  {
    name: 'the imagecapture/zoom entry',
    id: 'zoom',
    browsers: EVERY,
    ours: ours(OURS_BY_DEFAULT),
    async setup(ctx) {
      const pkg = await import('../dist/zoom/index.js');
      ctx.ImageCapture = pkg.ImageCapture;
      ctx.install = pkg.install;
    },
    cases: [
      {
        name: 'importing the zoom entry leaves the global ImageCapture alone',
        async run({ original }) {
          check(globalThis.ImageCapture === original.ImageCapture, 'the global changed');
        },
      },
      // The per-instance option: `ImageCapture` is the zoom entry's class here.
      ...digitalZoomCases(({ ImageCapture }, track) => new ImageCapture(track, { digitalZoom: true })),
    ],
  },
  {
    name: 'install({digitalZoom: true})',
    id: 'digital',
    browsers: EVERY,
    ours: ours(Object.fromEntries(EVERY.map((b) => [b, ALL]))),
    async setup(ctx) {
      const pkg = await import('../dist/zoom/index.js');
      ctx.install = () => pkg.install({ digitalZoom: true });
      ctx.report = ctx.install();
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: [
      ...installCases({
        chromium: { ...WRAPPED_ALL, ImageCapture: 'supplied', track: 'supplied' },
        firefox: SUPPLIED_ALL,
        'webkit-native': { ...WRAPPED_ALL, ImageCapture: 'supplied', track: 'supplied' },
        'webkit-partial': { ...WRAPPED_BUT_GRAB, ImageCapture: 'supplied', track: 'supplied' },
        'webkit-polyfill': SUPPLIED_ALL,
      }),
      {
        name: 'install({digitalZoom: true}) makes getSupportedConstraints() say zoom, pan and tilt',
        async run() {
          const supported = navigator.mediaDevices.getSupportedConstraints();
          check(supported.zoom && supported.pan && supported.tilt, JSON.stringify(supported));
          check(supported.width === true, "the browser's own members are gone");
        },
      },
      ...digitalZoomCases((_ctx, track) => new globalThis.ImageCapture(track)),
    ],
  },
  {
    name: 'install({force: true})',
    id: 'forced',
    browsers: EVERY,
    ours: ours(Object.fromEntries(EVERY.map((b) => [b, ALL]))),
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
        browsers: ['chromium', ...WEBKIT_OWN],
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
    ours: ours({ chromium: ['grabFrame'] }),
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
        chromium: WRAPPED_BUT_GRAB,
      }),
      {
        name: "install()'s plan is the module's installPlan()",
        async run({ report, ImageCapture, camera, glue }) {
          // A call loads the module (lazy); its answer must be what install() decided in JS.
          await new ImageCapture(await camera()).getPhotoSettings();
          const plan = glue.installPlan();
          for (const m of METHODS) {
            check(plan[m] === report[m], `install() said ${m} ${report[m]}, the module says ${plan[m]}`);
          }
        },
      },
      {
        name: 'install() supplies grabFrame and wraps the three methods the browser has',
        async run({ original }) {
          check(globalThis.ImageCapture === original.ImageCapture, 'the global was replaced');
          for (const m of ['takePhoto', 'getPhotoCapabilities', 'getPhotoSettings']) {
            check(globalThis.ImageCapture.prototype[m][NATIVE] === original.methods[m], `${m} is not wrapped`);
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
    ours: ours({ firefox: ALL }),
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
    name: "install({wrap: false}) over the browser's own ImageCapture",
    id: 'unwrapped',
    browsers: ['chromium', ...WEBKIT_OWN],
    ours: ours({ 'webkit-partial': ['grabFrame'] }),
    kept: kept({
      chromium: ALL,
      'webkit-native': ALL,
      'webkit-partial': ['takePhoto', 'getPhotoCapabilities', 'getPhotoSettings'],
    }),
    async setup(ctx) {
      const pkg = await import('../dist/index.js');
      ctx.install = () => pkg.install({ wrap: false });
      ctx.report = ctx.install();
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: [
      ...installCases({
        chromium: KEPT_ALL,
        'webkit-native': KEPT_ALL,
        'webkit-partial': { ...KEPT_ALL, grabFrame: 'supplied' },
      }),
      {
        name: "install({wrap: false}) leaves the browser's methods as they are",
        async run({ original }) {
          for (const m of ['takePhoto', 'getPhotoCapabilities', 'getPhotoSettings']) {
            check(globalThis.ImageCapture.prototype[m] === original.methods[m], `${m} was replaced`);
          }
        },
      },
    ],
  },
  {
    // Each case shows one way WebKit's own ImageCapture differs from the spec (or from Chrome),
    // as docs/webkit.md records it: the browser's raw API, no package loaded. Where WebKit
    // changes, a case fails here and docs/webkit.md must say so; the package needs no change
    // (its one rule checks every browser's results, whatever the browser does).
    name: "WebKit's own ImageCapture, as it is",
    id: 'webkit-own',
    browsers: ['webkit-native'],
    ours: ours({}),
    kept: kept({ 'webkit-native': ALL }),
    async setup(ctx) {
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: webkitOwnCases(),
  },
  {
    // A browser ImageCapture whose methods misbehave in the ways the wrapper must bound: one
    // throws synchronously, one returns no promise, one rejects with a plain Error, one never
    // settles. install() wraps them all by the one rule (it cannot know), and every call
    // settles with what the spec says.
    name: 'install() over an ImageCapture whose methods misbehave',
    id: 'misbehaving',
    browsers: EVERY,
    ours: ours(Object.fromEntries(EVERY.map((b) => [b, ['grabFrame']]))),
    prepare() {
      class ImageCapture {
        #track;
        constructor(track) {
          if (!(track instanceof MediaStreamTrack)) throw new TypeError('not a track');
          this.#track = track;
        }
        get track() {
          return this.#track;
        }
        #photos = 0;
        takePhoto() {
          // Odd calls throw, even calls reject with something that is not a DOMException.
          this.#photos += 1;
          if (this.#photos % 2 === 0) return Promise.reject(new Error('a plain Error'));
          throw new Error('takePhoto throws synchronously');
        }
        getPhotoSettings() {
          return { imageWidth: 1, imageHeight: 1 };
        }
        getPhotoCapabilities() {
          return new Promise(() => {});
        }
        grabFrame() {
          return new Promise(() => {});
        }
      }
      Object.defineProperty(globalThis, 'ImageCapture', {
        value: ImageCapture,
        writable: true,
        enumerable: false,
        configurable: true,
      });
    },
    async setup(ctx) {
      const pkg = await import('../dist/index.js');
      ctx.install = pkg.install;
      ctx.report = pkg.install();
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: [
      ...installCases(Object.fromEntries(EVERY.map((b) => [b, WRAPPED_ALL]))),
      {
        name: 'a browser takePhoto that throws synchronously: ours takes the photo',
        async run({ ImageCapture, camera }) {
          const track = await camera();
          const photo = await bounded(new ImageCapture(track).takePhoto(), 15_000, 'takePhoto()');
          const { width, height } = await imageSize(photo);
          const settings = track.getSettings();
          check(width === settings.width && height === settings.height, `the photo is ${width}×${height}`);
        },
      },
      {
        name: 'a browser getPhotoSettings that returns no promise: ours answers',
        async run({ ImageCapture, camera }) {
          const track = await camera();
          const settings = await bounded(new ImageCapture(track).getPhotoSettings(), 15_000, 'getPhotoSettings()');
          check(
            settings.imageWidth === track.getSettings().width && settings.redEyeReduction === false,
            `getPhotoSettings() gave ${JSON.stringify(settings)}`,
          );
        },
      },
      {
        name: 'a browser getPhotoCapabilities that never settles: the call rejects OperationError in bounded time',
        async run({ ImageCapture, camera }) {
          const capture = new ImageCapture(await camera());
          await rejects(capture.getPhotoCapabilities(), 'OperationError', 'getPhotoCapabilities()');
        },
      },
      {
        name: 'a browser takePhoto that rejects with a plain Error: ours takes the photo',
        async run({ ImageCapture, camera }) {
          const capture = new ImageCapture(await camera());
          // The first call meets the synchronous throw, the second the plain Error.
          for (const what of ['the first takePhoto()', 'the second takePhoto()']) {
            const photo = await bounded(capture.takePhoto({ type: 'image/png' }), 15_000, what);
            check(photo instanceof Blob && photo.type === 'image/png', `${what} gave ${describeValue(photo)}`);
          }
        },
      },
      {
        name: 'a browser getPhotoCapabilities that never settles holds takePhoto({imageWidth}) only for its bound',
        async run({ ImageCapture, camera }) {
          const capture = new ImageCapture(await camera());
          // Sizes are checked against the browser's capabilities, which never come: that wait
          // is bounded (3 s), and then ours takes the photo.
          const got = await outcome(capture.takePhoto({ imageWidth: 320 }), 'takePhoto({imageWidth: 320})');
          if (got.error !== undefined) {
            check(isNamed(got.error, 'UnknownError'), `takePhoto({imageWidth: 320}) rejected with ${describeValue(got.error)}`);
          } else {
            const { width } = await imageSize(got.value);
            check(width === 320, `the photo is ${width} wide`);
          }
        },
      },
      {
        name: "a browser grabFrame that never settles holds the first grab only until ours has a frame",
        async run({ ImageCapture, camera }) {
          const frame = await bounded(new ImageCapture(await camera()).grabFrame(), 15_000, 'grabFrame()');
          check(frame instanceof ImageBitmap, `grabFrame() gave ${describeValue(frame)}`);
          frame.close();
        },
      },
    ],
  },
  {
    // Chromium's own ImageCapture as it is, no package loaded: each case records one fault
    // docs/chromium.md lists (and one thing it gets right). The scenarios above show the
    // package correcting each, through every entry.
    name: "Chromium's own ImageCapture, as it is",
    id: 'chromium-own',
    browsers: ['chromium'],
    ours: ours({}),
    kept: kept({ chromium: ALL }),
    async setup(ctx) {
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: chromiumOwnCases(),
  },
  {
    name: 'the imagecapture/polyfill entry',
    id: 'polyfill',
    browsers: EVERY,
    ours: ours(OURS_BY_DEFAULT),
    async setup(ctx) {
      await import('../dist/polyfill.js');
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: polyfillCases(),
  },
  {
    // Safari 18's shape in Chromium, through the polyfill entry.
    name: 'the imagecapture/polyfill entry over an ImageCapture without grabFrame',
    id: 'polyfill-partial',
    browsers: ['chromium'],
    ours: ours({ chromium: ['grabFrame'] }),
    prepare() {
      delete globalThis.ImageCapture.prototype.grabFrame;
    },
    async setup(ctx) {
      await import('../dist/polyfill.js');
      ctx.ImageCapture = globalThis.ImageCapture;
    },
    cases: polyfillCases(),
  },
];

/** The polyfill entry's cases: the global works, and behaves as the spec says. */
function polyfillCases() {
  return [
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
      ...behaviourCases(),
      ...ourPhotoCases(),
  ];
}

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

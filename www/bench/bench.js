// The benchmark page: ImageCapture implementations measured side by side on one live track.
//
//   native  the browser's own ImageCapture (Chromium; WebKit with its own on, as in Safari 26),
//           saved before anything patches it, its methods called as the browser has them (this
//           page never calls install() without `force`, so nothing wraps them);
//   ours    the npm package (/dist/index.js = pkg/dist/) installed with `{ force: true }`, so
//           every method is ours even where the browser has its own;
//   old     the old JS polyfill, npm `image-capture@0.4.0` (its ES module), which defines its
//           class only where `ImageCapture` is undefined: the global is removed while it loads;
//   steps   a reference (grabFrame on demand and takePhoto only): ours' browser calls written
//           directly in JS (`PlainSteps`), to tell our code's cost from the browser's.
//
// run.js (node) drives the page through `window.__bench`, one short step at a time, and does
// the statistics. Fairness: one track (640×480) for everyone, all implementations alive for the
// whole run, blocks of calls alternating between them in rotating order, the first calls of
// every block unmeasured (warm-up), the same pause sequence for each, and the same work after
// each call (a frame is hashed and closed, a photo's size read) outside the timed part.
//
// Cold start (`cold(name)`) is measured in a fresh page load per sample: module import (none
// for the browser's own), construction and the first grabbed frame, on a track that is already
// delivering frames.

const NativeImageCapture = globalThis.ImageCapture;

const now = () => performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A call that takes longer than this counts as failed (the old polyfill can hang). */
const CALL_TIMEOUT_MS = 10_000;

function bounded(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle in ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The same pseudo-random sequence for every implementation (a linear congruential generator). */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// ---------------------------------------------------------------------------------------------
// The implementations

/** The browser's own, when it has a working one (Firefox has none; Safari 18 has no grabFrame). */
function nativeUsable() {
  const proto = NativeImageCapture?.prototype;
  return typeof proto?.grabFrame === 'function' && typeof proto?.takePhoto === 'function';
}

/** What install() puts on a browser method it wraps: the browser's own function. */
const WRAPPED = Symbol.for('imagecapture.native');

/** Fails when one of the browser's methods is no longer its own (wrapped by install()). */
function assertNativeUntouched() {
  const proto = NativeImageCapture?.prototype;
  const wrapped = ['grabFrame', 'takePhoto', 'getPhotoCapabilities', 'getPhotoSettings'].filter(
    (m) => typeof proto?.[m] === 'function' && proto[m][WRAPPED] !== undefined,
  );
  if (wrapped.length > 0) throw new Error(`the browser's own ${wrapped.join(', ')} were wrapped`);
}

/** The old polyfill's class: it installs only where `ImageCapture` is undefined. */
async function loadOld() {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'ImageCapture');
  delete globalThis.ImageCapture;
  try {
    const module = await import('/vendor/image-capture/src/imagecapture.js');
    return module.ImageCapture;
  } finally {
    if (saved) Object.defineProperty(globalThis, 'ImageCapture', saved);
    else delete globalThis.ImageCapture;
  }
}

/** Our class, forced: none of the browser's methods is used. */
async function loadOurs() {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'ImageCapture');
  const module = await import('/dist/index.js');
  const report = module.install({ force: true });
  if (Object.entries(report).some(([, v]) => v !== 'supplied')) {
    throw new Error(`install({ force: true }) kept something: ${JSON.stringify(report)}`);
  }
  // The global does not matter here (the class is used directly); leave the browser's in place.
  if (saved) Object.defineProperty(globalThis, 'ImageCapture', saved);
  return module.ImageCapture;
}

const LOADERS = {
  native: async () => {
    if (!nativeUsable()) throw new Error('this browser has no working ImageCapture of its own');
    return NativeImageCapture;
  },
  ours: loadOurs,
  old: loadOld,
};

/**
 * A reference, not an implementation: ours' browser steps written directly in JS, with none of
 * our logic (no waiting for a fresh frame, no checks, no WebAssembly). grabFrame: an
 * `ImageBitmap` of a `VideoFrame` of a hidden <video>; takePhoto: that frame drawn on a new
 * OffscreenCanvas (2D, willReadFrequently, smoothing "high") and encoded, JPEG q 0.92 unless
 * `{ type }` says otherwise. Ours minus this is what our code costs beyond the browser's work.
 */
class PlainSteps {
  constructor(track) {
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.srcObject = new MediaStream([track]);
    this.video.play().catch(() => {});
  }

  #frame() {
    return typeof VideoFrame === 'function' ? new VideoFrame(this.video) : null;
  }

  async grabFrame() {
    const frame = this.#frame();
    try {
      return await createImageBitmap(frame ?? this.video);
    } finally {
      frame?.close();
    }
  }

  async takePhoto(settings = {}) {
    const frame = this.#frame();
    try {
      const [width, height] = [this.video.videoWidth, this.video.videoHeight];
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d', { willReadFrequently: true });
      context.imageSmoothingQuality = 'high';
      context.drawImage(frame ?? this.video, 0, 0, width, height, 0, 0, width, height);
      const options = settings.type === 'image/png' ? { type: 'image/png' } : { type: 'image/jpeg', quality: 0.92 };
      return await canvas.convertToBlob(options);
    } finally {
      frame?.close();
    }
  }
}

/** The implementations this browser can run. */
function available() {
  return ['native', 'ours', 'old'].filter((name) => name !== 'native' || nativeUsable());
}

async function openTrack() {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 } },
  });
  const [track] = stream.getVideoTracks();
  return track;
}

// ---------------------------------------------------------------------------------------------
// Telling frames apart: a hash of every pixel

const hashSurface = new OffscreenCanvas(1, 1);
const hashContext = hashSurface.getContext('2d', { willReadFrequently: true });

/** FNV-1a over the frame's RGBA words, and its size. */
function frameHash(bitmap) {
  const { width, height } = bitmap;
  if (hashSurface.width !== width || hashSurface.height !== height) {
    hashSurface.width = width;
    hashSurface.height = height;
  }
  hashContext.drawImage(bitmap, 0, 0);
  const words = new Uint32Array(hashContext.getImageData(0, 0, width, height).data.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i += 1) h = Math.imul(h ^ words[i], 16777619);
  return { hash: h >>> 0, size: `${width}x${height}` };
}

// ---------------------------------------------------------------------------------------------
// The main page load: every implementation on one track

const state = { track: null, captures: {}, interval: 50, lastHash: {} };

/** Loads every implementation, opens the track and makes one ImageCapture per implementation. */
async function setup() {
  const names = available();
  // The old polyfill first: it must see no ImageCapture at all.
  const order = ['old', 'ours', 'native'].filter((n) => names.includes(n));
  const classes = {};
  for (const name of order) classes[name] = await LOADERS[name]();
  // `native` must measure the browser's methods alone, not behind ours.
  assertNativeUntouched();
  state.track = await openTrack();
  const settings = state.track.getSettings();
  state.interval = 1000 / (settings.frameRate || 30);
  for (const name of names) state.captures[name] = new classes[name](state.track);
  state.captures.steps = new PlainSteps(state.track);
  // Let the camera and every implementation's <video> start.
  await sleep(1000);
  return {
    implementations: names,
    references: ['steps'],
    userAgent: navigator.userAgent,
    timerResolution: timerResolution(),
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    track: {
      label: state.track.label,
      width: settings.width,
      height: settings.height,
      frameRate: settings.frameRate,
    },
  };
}

/**
 * The smallest step `performance.now()` takes here, in ms: browsers coarsen it (without the
 * cross-origin isolation run.js's server asks for: Chromium to 0.1 ms, Firefox and WebKit to
 * 1 ms), which bounds every figure's precision.
 */
function timerResolution() {
  let smallest = Infinity;
  for (let steps = 0, last = now(); steps < 20; ) {
    const t = now();
    if (t > last) {
      smallest = Math.min(smallest, t - last);
      steps += 1;
      last = t;
    }
  }
  return smallest;
}

/**
 * One block of measured grabFrame calls of `name`, after `warm` unmeasured ones.
 *
 * - `mode: "demand"`: `calls` calls, each after a pause of 1–2 frame intervals (pseudo-random
 *   from `seed`, the same sequence for every implementation), as an app grabbing on demand.
 * - `mode: "burst"`: calls back to back for `ms` milliseconds, as an app grabbing continuously:
 *   the frame rate is the distinct frames per second, a duplicate a frame whose pixels equal
 *   those of the frame before it.
 */
async function grab(name, { calls = 0, ms = 0, warm = 2, mode = 'burst', seed = 1 }) {
  const capture = state.captures[name];
  const next = random(seed);
  const times = [];
  const sizes = new Set();
  let duplicates = 0;
  let failures = 0;
  let first = 0;
  const more = (i) => {
    if (i < warm) return true;
    if (mode === 'demand') return i < warm + calls;
    return i === warm ? ms > 0 : now() - first < ms;
  };
  for (let i = 0; more(i); i += 1) {
    const measured = i >= warm;
    if (mode === 'demand') await sleep(state.interval * (1 + next()));
    if (i === warm) first = now();
    const start = now();
    let bitmap;
    try {
      bitmap = await bounded(capture.grabFrame(), 'grabFrame');
    } catch (error) {
      if (measured) failures += 1;
      continue;
    }
    const took = now() - start;
    const { hash, size } = frameHash(bitmap);
    bitmap.close();
    if (measured) {
      times.push(took);
      sizes.add(size);
      if (state.lastHash[name] === hash) duplicates += 1;
    }
    state.lastHash[name] = hash;
  }
  const wall = now() - first;
  return { times, duplicates, failures, wall, sizes: [...sizes] };
}

/** What a Blob's image is: its size in pixels. */
async function photoSize(blob) {
  const bitmap = await createImageBitmap(blob);
  const size = `${bitmap.width}x${bitmap.height}`;
  bitmap.close();
  return size;
}

/** One block of `calls` measured takePhoto(settings) calls after `warm` unmeasured ones. */
async function photo(name, { calls, warm = 1, settings }) {
  const capture = state.captures[name];
  const times = [];
  const types = new Set();
  const sizes = new Set();
  const bytes = [];
  let failures = 0;
  for (let i = 0; i < warm + calls; i += 1) {
    await sleep(state.interval);
    const start = now();
    let blob;
    try {
      blob = await bounded(settings ? capture.takePhoto(settings) : capture.takePhoto(), 'takePhoto');
    } catch (error) {
      if (i >= warm) failures += 1;
      continue;
    }
    const took = now() - start;
    if (i >= warm) {
      times.push(took);
      types.add(blob.type);
      bytes.push(blob.size);
      if (sizes.size === 0) sizes.add(await photoSize(blob));
    }
  }
  return { times, failures, types: [...types], sizes: [...sizes], bytes };
}

/**
 * The camera itself, for reference: frames presented to a <video> per second over `ms`
 * (`requestVideoFrameCallback`), and how many distinct `VideoFrame` timestamps those frames had
 * per second. And the browser's own primitives that bound the methods, each
 * the median of `calls` (one frame interval apart, so each sees a new frame):
 *
 * - `bitmapOfVideo`: `createImageBitmap(video)`;
 * - `bitmapOfVideoFrame`: `createImageBitmap(new VideoFrame(video))` (ours, with VideoFrame);
 * - `bitmapViaCanvas`: `drawImage(video)` on a canvas, then `createImageBitmap(canvas)` (the old
 *   polyfill's way);
 * - `encodeJpeg` / `encodePng`: `OffscreenCanvas.convertToBlob` of a 640×480 frame (takePhoto's
 *   encoder: JPEG at quality 0.92, or PNG);
 * - `photoCanvasToBlobPng`: the old polyfill's takePhoto steps.
 */
async function camera({ ms = 3000, calls = 15 }) {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([state.track]);
  await video.play();
  await sleep(300);
  const result = {};
  if (typeof video.requestVideoFrameCallback === 'function') {
    let callbacks = 0;
    let firstPresented = null;
    let lastPresented = null;
    const timestamps = new Set();
    const started = now();
    await new Promise((resolve) => {
      const onFrame = (_, metadata) => {
        callbacks += 1;
        firstPresented ??= metadata.presentedFrames;
        lastPresented = metadata.presentedFrames;
        if (typeof VideoFrame === 'function') {
          const frame = new VideoFrame(video);
          timestamps.add(frame.timestamp);
          frame.close();
        }
        if (now() - started < ms) video.requestVideoFrameCallback(onFrame);
        else resolve();
      };
      video.requestVideoFrameCallback(onFrame);
    });
    const seconds = (now() - started) / 1000;
    result.presentedFps = (lastPresented - firstPresented) / seconds;
    result.callbackFps = callbacks / seconds;
    // How often `new VideoFrame(video).timestamp` changes: a frame's identity where it is precise.
    if (timestamps.size > 0) result.videoFrameTimestampsPerS = timestamps.size / seconds;
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const timed = async (work) => {
    const times = [];
    for (let i = 0; i < calls + 2; i += 1) {
      await sleep(state.interval);
      const start = now();
      const out = await work();
      if (i >= 2) times.push(now() - start);
      out?.close?.();
    }
    return median(times);
  };
  result.bitmapOfVideo = await timed(() => createImageBitmap(video));
  if (typeof VideoFrame === 'function') {
    result.bitmapOfVideoFrame = await timed(async () => {
      const frame = new VideoFrame(video);
      try {
        return await createImageBitmap(frame);
      } finally {
        frame.close();
      }
    });
  }
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d');
  result.bitmapViaCanvas = await timed(() => {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    return createImageBitmap(canvas);
  });
  const [width, height] = [video.videoWidth, video.videoHeight];
  const offscreen = new OffscreenCanvas(width, height);
  const offscreenContext = offscreen.getContext('2d');
  const jpeg = { type: 'image/jpeg', quality: 0.92 };
  const png = { type: 'image/png' };
  for (const [key, options] of [
    ['encodeJpeg', jpeg],
    ['encodePng', png],
  ]) {
    result[key] = await timed(() => {
      offscreenContext.drawImage(video, 0, 0);
      return offscreen.convertToBlob(options);
    });
  }
  // The old polyfill's takePhoto: one <canvas>, resized to the video, drawn on, `toBlob` (PNG).
  result.photoCanvasToBlobPng = await timed(
    () =>
      new Promise((resolve) => {
        canvas.width = width;
        canvas.height = height;
        context.drawImage(video, 0, 0);
        canvas.toBlob(resolve);
      }),
  );
  video.srcObject = null;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Cold start: one sample per page load

/** Module import (none for the browser's own), construction and the first frame of `name`. */
async function cold(name) {
  const track = await openTrack();
  // The camera is running before the clock starts: its own start-up is no implementation's.
  await sleep(500);
  const start = now();
  const ImageCapture = await LOADERS[name]();
  const imported = now();
  const capture = new ImageCapture(track);
  const bitmap = await bounded(capture.grabFrame(), 'grabFrame');
  const done = now();
  bitmap.close();
  track.stop();
  return { import: imported - start, firstFrame: done - imported, total: done - start };
}

window.__bench = { available, setup, grab, photo, camera, cold };

// imagecapture: the W3C MediaStream Image Capture API for every browser.
//
// `ImageCapture` is the WebAssembly implementation (crates/imagecapture-js) behind a thin shell
// whose only jobs are robustness: every method returns a promise that settles, even when the
// WebAssembly instance dies (a Rust panic traps it; the instance is then rebuilt and this shell
// re-creates its object from the track it keeps). The spec's checks, the choice between the
// browser's own method and ours, the DOMException names: all of it happens in Rust.
//
// Two builds share this file: the package's default entry (`imagecapture`, dist/) has no digital
// zoom; `imagecapture/zoom` (dist/zoom/) is this file beside a build with it. `entry.js`, written
// by `cargo xtask pkg` next to this file, says which one this is.
//
// The WebAssembly module is lazy (default entry): importing fetches nothing on the page's
// critical path. The module is compiled in the background from import on
// (`WebAssembly.compileStreaming`) and instantiated when compiled or at the first call that
// needs it, whichever comes first; what needs no module (the constructor's argument checks,
// `track`, `install()`'s plan, the spec's synchronous first steps of a call made before the
// module is there) is decided here, in plain JS. The zoom entry (opt-in) loads its module at
// import, as its constructor turns digital zoom on on the track at once.
//
// `install()` puts ImageCapture on `globalThis`, method by method, by one rule for every browser
// (imagecapture-web's `install_plan`, mirrored in `planFor` below; a package test compares the
// two in every browser shape).

import {
  initSync,
  ImageCapture as WasmImageCapture,
  setPanicListener,
  __wbg_reset_state as resetInstance,
} from './imagecapture_js.js';
import { DIGITAL_ZOOM } from './entry.js';

// ---------------------------------------------------------------------------------------------
// The module, lazily

// Next to this file in every layout (dist/ on a page, a bundler's asset for `new URL`).
const WASM_URL = new URL('./imagecapture_js_bg.wasm', import.meta.url);

/** The compiled module (a promise), started at import; `null` again after a failure. */
let compiling = null;
/** Whether the module is instantiated: the calls can go to it synchronously. */
let loaded = false;

function compile() {
  if (compiling === null) {
    const viaBytes = () =>
      fetch(WASM_URL)
        .then((response) => {
          if (!response.ok) throw new Error(`${WASM_URL}: HTTP ${response.status}`);
          return response.arrayBuffer();
        })
        .then((bytes) => WebAssembly.compile(bytes));
    // compileStreaming needs the server's `application/wasm`; without it, the bytes.
    compiling =
      typeof WebAssembly.compileStreaming === 'function'
        ? WebAssembly.compileStreaming(fetch(WASM_URL)).catch(viaBytes)
        : viaBytes();
    compiling.catch(() => {
      // Reported by the call that needed the module; the next one tries again.
      compiling = null;
    });
  }
  return compiling;
}

/** Instantiates the compiled module, once. */
function instantiate(module) {
  if (!loaded) {
    initSync({ module });
    loaded = true;
  }
}

/** The module, instantiated: awaited by a call made before it was there. */
function ready() {
  return loaded ? Promise.resolve() : compile().then(instantiate);
}

// In the background: the page's import does not wait for it.
ready().catch(() => {});
if (DIGITAL_ZOOM) await ready();

/** The four methods of the spec, and what each rejects with when its call fails inside. */
const METHODS = {
  takePhoto: 'UnknownError',
  getPhotoCapabilities: 'OperationError',
  getPhotoSettings: 'OperationError',
  grabFrame: 'UnknownError',
};

// ---------------------------------------------------------------------------------------------
// Surviving a panic

/** Bumped whenever the WebAssembly instance died; objects made before are rebuilt. */
let generation = 0;
/** The generation whose instance has our panic listener. */
let listening = -1;
/** Calls in flight, so that a dying instance cannot leave one of them pending forever. */
const pending = new Set();

/**
 * Called by the panic hook, inside the dying instance just before it traps. Swaps in a fresh
 * instance at once, so that no callback of the dead one can run into the new one (they are
 * refused as stale from now on), and settles every pending call.
 */
function onPanic(message) {
  console.error(`imagecapture: internal error, the WebAssembly instance is rebuilt: ${message}`);
  try {
    resetInstance();
  } catch (error) {
    console.error('imagecapture: could not rebuild the WebAssembly instance', error);
  }
  generation += 1;
  const calls = [...pending];
  pending.clear();
  for (const { reject, failure } of calls) {
    reject(new DOMException(`internal error (the call was abandoned): ${message}`, failure));
  }
}

/** Before each call into the module: make sure the (possibly new) instance reports panics. */
function ensureListener() {
  if (listening !== generation) {
    setPanicListener(onPanic);
    listening = generation;
  }
}

/**
 * A synchronous throw from the module as what a method's promise rejects with. `before`: the
 * `generation` when the call began; a trap that no panic reported (a stack overflow, running out
 * of memory) gets the instance swapped here.
 */
function asRejection(error, failure, before) {
  if (error instanceof DOMException || error instanceof TypeError) return error;
  if (error instanceof WebAssembly.RuntimeError) {
    if (generation === before) {
      try {
        resetInstance();
      } catch {
        // Nothing better to do: the next call reports its own failure.
      }
      generation += 1;
    }
    return new DOMException(`internal error: ${error.message}`, failure);
  }
  return new DOMException(String(error?.message ?? error), failure);
}

/**
 * The spec's first steps of `method`, made when it is called, in plain JS while the module is not
 * there yet: WebIDL's conversion of `takePhoto`'s settings (returned as a plain copy, read once,
 * for the module to take later), then the track's state. `{ error }` when the call rejects at
 * once, else `{ args }` for the module. Once the module is there, it makes these checks itself.
 */
function firstSteps(method, track, args) {
  let copied = args;
  if (method === 'takePhoto') {
    const [settings] = args;
    if (settings !== undefined && settings !== null) {
      if (typeof settings !== 'object' && typeof settings !== 'function') {
        return { error: new TypeError("Failed to execute 'takePhoto': parameter 1 is not of type 'PhotoSettings'.") };
      }
      const copy = {};
      // WebIDL reads a dictionary's members in order of their names.
      const fillLightMode = settings.fillLightMode;
      if (fillLightMode !== undefined) {
        const mode = String(fillLightMode);
        if (!['auto', 'off', 'flash'].includes(mode)) {
          return { error: new TypeError(`The provided value '${mode}' is not a valid enum value of type FillLightMode.`) };
        }
        copy.fillLightMode = mode;
      }
      for (const key of ['imageHeight', 'imageWidth']) {
        const value = settings[key];
        if (value === undefined) continue;
        const number = Number(value);
        if (!Number.isFinite(number)) {
          return { error: new TypeError(`Failed to read the '${key}' property from 'PhotoSettings': The provided double value is non-finite.`) };
        }
        copy[key] = number;
      }
      const { quality, redEyeReduction, type } = settings;
      if (quality !== undefined) copy.quality = quality;
      if (redEyeReduction !== undefined) copy.redEyeReduction = Boolean(redEyeReduction);
      if (type !== undefined) copy.type = type;
      copied = [copy];
    }
  }
  if (track.readyState !== 'live') {
    return { error: new DOMException('the track has ended', 'InvalidStateError') };
  }
  if (!track.enabled) return { error: new DOMException('the track is disabled', 'InvalidStateError') };
  return { args: copied };
}

/** Runs `call` (which returns the module's promise) so the result always settles. */
function settle(failure, call) {
  return new Promise((resolve, reject) => {
    const entry = { reject, failure };
    const before = generation;
    let inner;
    try {
      ensureListener();
      inner = call();
    } catch (error) {
      reject(asRejection(error, failure, before));
      return;
    }
    pending.add(entry);
    inner.then(
      (value) => {
        pending.delete(entry);
        resolve(value);
      },
      (error) => {
        pending.delete(entry);
        reject(error);
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// ImageCapture

/**
 * Whether new ImageCapture objects use our implementation of every method. Set once install()
 * made our class the global: with no browser ImageCapture there is nothing else to use, and
 * the module must never take our own global for the browser's (it would call itself).
 */
let forceOurs = false;

/**
 * Whether new ImageCapture objects turn digital zoom on by default: `install({ digitalZoom:
 * true })` sets it; `new ImageCapture(track, { digitalZoom })` decides per object.
 */
let digitalZoomByDefault = false;

/**
 * `ImageCapture` as the spec defines it: `new ImageCapture(videoTrack)`, `track`, `takePhoto()`,
 * `getPhotoCapabilities()`, `getPhotoSettings()`, `grabFrame()`.
 *
 * The second argument is this package's, not the spec's: `{ digitalZoom: true }` gives a track
 * whose camera has no zoom a digital zoom (and pan/tilt where it lacks them), offered by the
 * track's `getCapabilities()`/`getSettings()`/`applyConstraints()` under the spec's names, and
 * shown by `grabFrame()` and `takePhoto()`. Only the `imagecapture/zoom` entry has it: the
 * default entry throws a `NotSupportedError` for it.
 */
export class ImageCapture {
  #track;
  #inner;
  #generation;
  #options;

  /**
   * @param {MediaStreamTrack} videoTrack
   * @param {import('./index.js').ImageCaptureOptions} [options]
   */
  constructor(videoTrack, options = undefined) {
    // The spec's checks, in plain JS: no module needed (the module makes them again).
    if (!(videoTrack instanceof MediaStreamTrack)) {
      throw new TypeError("Failed to construct 'ImageCapture': parameter 1 is not of type 'MediaStreamTrack'.");
    }
    if (videoTrack.kind !== 'video') {
      throw new DOMException(`ImageCapture needs a video track, not ${videoTrack.kind}`, 'NotSupportedError');
    }
    const digitalZoom = options?.digitalZoom;
    this.#options = {
      forcePolyfill: forceOurs,
      digitalZoom: digitalZoom === undefined ? digitalZoomByDefault : Boolean(digitalZoom),
    };
    if (this.#options.digitalZoom && !DIGITAL_ZOOM) {
      throw new DOMException(
        "digital zoom is not in this build of imagecapture: import ImageCapture from 'imagecapture/zoom'",
        'NotSupportedError',
      );
    }
    this.#track = videoTrack;
    // Made now where the module is there (digital zoom starts on the track at once), else at
    // the first call.
    if (loaded) {
      const before = generation;
      try {
        ensureListener();
        this.#inner = new WasmImageCapture(videoTrack, this.#options);
      } catch (error) {
        throw asRejection(error, 'OperationError', before);
      }
      this.#generation = generation;
    }
  }

  /** The object of the current instance: made at the first call, rebuilt after a panic. */
  #object() {
    if (this.#inner === undefined || this.#generation !== generation) {
      ensureListener();
      this.#inner = new WasmImageCapture(this.#track, this.#options);
      this.#generation = generation;
    }
    return this.#inner;
  }

  /**
   * `method` of the module's object: at once where the module is there; else the spec's first
   * steps here, and the rest once the module is.
   */
  #call(method, args) {
    const failure = METHODS[method];
    if (loaded) return settle(failure, () => this.#object()[method](...args));
    const steps = firstSteps(method, this.#track, args);
    if (steps.error) return Promise.reject(steps.error);
    return ready().then(
      () =>
        settle(failure, () => this.#object()[method](...steps.args)).catch((error) => {
          // The track was live when the call was made: its ending since is a failure under
          // way (OperationError for these two, as the module names it for a call it began).
          if (failure === 'OperationError' && error?.name === 'InvalidStateError') {
            throw new DOMException(error.message, 'OperationError');
          }
          throw error;
        }),
      (error) => {
        throw new DOMException(`the WebAssembly module could not be loaded: ${error?.message ?? error}`, failure);
      },
    );
  }

  /** The very track passed to the constructor. @returns {MediaStreamTrack} */
  get track() {
    return this.#track;
  }

  /** @param {import('./index.js').PhotoSettings} [photoSettings] @returns {Promise<Blob>} */
  takePhoto(photoSettings = undefined) {
    return this.#call('takePhoto', [photoSettings]);
  }

  /** @returns {Promise<import('./index.js').PhotoCapabilities>} */
  getPhotoCapabilities() {
    return this.#call('getPhotoCapabilities', []);
  }

  /** @returns {Promise<import('./index.js').PhotoSettings>} */
  getPhotoSettings() {
    return this.#call('getPhotoSettings', []);
  }

  /** @returns {Promise<ImageBitmap>} */
  grabFrame() {
    return this.#call('grabFrame', []);
  }
}


// The WebIDL shape of a browser's own interface: operations and the `track` attribute are
// enumerable on the prototype (a class makes them not), and `Symbol.toStringTag` is a
// read-only, non-enumerable data property.
for (const name of ['track', 'takePhoto', 'getPhotoCapabilities', 'getPhotoSettings', 'grabFrame']) {
  Object.defineProperty(ImageCapture.prototype, name, {
    ...Object.getOwnPropertyDescriptor(ImageCapture.prototype, name),
    enumerable: true,
  });
}
Object.defineProperty(ImageCapture.prototype, Symbol.toStringTag, {
  value: 'ImageCapture',
  writable: false,
  enumerable: false,
  configurable: true,
});

/** Makes ours the global `ImageCapture`, as WebIDL defines an interface's: not enumerable. */
function setGlobal() {
  Object.defineProperty(globalThis, 'ImageCapture', {
    value: ImageCapture,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

// ---------------------------------------------------------------------------------------------
// install()

/** Marks the functions install() puts in place, so a second install() recognises them. */
const OURS = Symbol.for('imagecapture.polyfill');
/**
 * On a method install() wrapped: the browser's own function. The WebAssembly module calls this
 * one (never the wrapper), and a caller who wants the browser's raw behaviour can too.
 */
const NATIVE = Symbol.for('imagecapture.native');
Object.defineProperty(ImageCapture, OURS, { value: true });

/** Browser ImageCapture object → our ImageCapture for its track, made on first use. */
const companions = new WeakMap();

function companionOf(native) {
  let ours = companions.get(native);
  if (ours === undefined) {
    // `track` is the spec's name; the legacy object of Firefox calls it `videoStreamTrack`.
    const track = Reflect.get(native, 'track') ?? Reflect.get(native, 'videoStreamTrack');
    // It serves the methods install() supplied (ours: the module sees no browser method behind
    // them) and wrapped (the browser's, reached through NATIVE, behind our checks).
    ours = new ImageCapture(track);
    companions.set(native, ours);
  }
  return ours;
}

/**
 * A method of ours on the browser's prototype: supplied (`native` undefined), or wrapping the
 * browser's own `native` function.
 */
function patched(name, Native, native) {
  const method = {
    [name](...args) {
      if (!(this instanceof Native)) {
        return Promise.reject(new TypeError(`ImageCapture.prototype.${name} called on a wrong object`));
      }
      let ours;
      try {
        ours = companionOf(this);
      } catch (error) {
        return Promise.reject(error);
      }
      return ours[name](...args);
    },
  }[name];
  Object.defineProperty(method, OURS, { value: true });
  if (native !== undefined) Object.defineProperty(method, NATIVE, { value: native });
  return method;
}

let lastReport = null;

/**
 * What install() does with the browser's method `name` on `proto`: imagecapture-web's
 * `install_plan`, the one rule, in plain JS (the module is not needed to decide; the package
 * test *install()'s plan is the module's installPlan()* keeps the two the same). A method the
 * browser has (seen through a wrapper of ours), unless its object is the legacy event-based one:
 * wrapped; otherwise supplied. (A wrapped `grabFrame` is the browser's only while ours has no
 * frame yet for the track, ours once its frames flow: docs/chromium.md.)
 */
function planFor(proto, name) {
  if (proto === null || typeof proto !== 'object' || 'onphoto' in proto) return 'supplied';
  let method = proto[name];
  if (typeof method === 'function' && method[OURS]) method = method[NATIVE];
  return typeof method === 'function' && !method[OURS] ? 'wrapped' : 'supplied';
}

/**
 * Puts ImageCapture on `globalThis`, method by method.
 *
 * - No `ImageCapture` at all: ours becomes the global.
 * - A browser `ImageCapture`: each of the four methods is, by one rule for every browser
 *   (imagecapture-web's `install_plan`; no user agent or vendor is looked at):
 *   - wrapped where the browser has it: the browser's method still does the work, behind the
 *     spec's checks (argument conversion, the track's state, settings against the photo
 *     capabilities) and corrected after (a photo of the size and type asked for, the spec's
 *     error names, complete dictionaries, a bounded wait); it stays reachable as
 *     `ImageCapture.prototype[name][Symbol.for('imagecapture.native')]`;
 *     (`grabFrame`: the browser's serves only while ours has no frame yet for the track, so a
 *     first grab costs what the browser's does; ours, started meanwhile, serves once its frames
 *     flow, handing out a fresh frame at once where one is waiting: docs/chromium.md);
 *   - supplied by ours where the browser lacks it (or has the legacy event-based `takePhoto` of
 *     Firefox);
 *   - `{ wrap: false }` keeps every method the browser has as it is.
 *   `track` is supplied where the object lacks it.
 * - `{ force: true }`: ours becomes the global and uses none of the browser's methods.
 * - `{ digitalZoom: true }` (the `imagecapture/zoom` entry only; the default entry throws a
 *   `NotSupportedError` and changes nothing): every ImageCapture made from now on gives a track
 *   whose camera has no zoom a digital zoom (see `ImageCapture`). Ours then becomes the global where the browser
 *   has its own (the emulation starts when an ImageCapture is made, which the browser's
 *   constructor cannot be made to do): each of the browser's methods is wrapped (still doing the
 *   work where no zoom is shown), the others supplied.
 *
 * @param {import('./index.js').InstallOptions} [options]
 * @returns {import('./index.js').InstallReport} what happened to each member
 */
export function install(options = {}) {
  const force = Boolean(options?.force);
  const wrap = options?.wrap !== false;
  const Native = globalThis.ImageCapture;
  if (options?.digitalZoom && !DIGITAL_ZOOM) {
    // Before anything changes.
    throw new DOMException(
      "digital zoom is not in this build of imagecapture: import install from 'imagecapture/zoom'",
      'NotSupportedError',
    );
  }
  if (options?.digitalZoom) {
    digitalZoomByDefault = true;
    supportDigitalZoom();
  }

  if (force) {
    forceOurs = true;
    setGlobal();
    lastReport = report('supplied', { ImageCapture: 'supplied', track: 'supplied' });
    return { ...lastReport };
  }
  if (typeof Native === 'function' && Native[OURS]) {
    // Installed already (by this or another copy of the package).
    return { ...(lastReport ?? report('supplied', { ImageCapture: 'supplied', track: 'supplied' })) };
  }
  if (typeof Native !== 'function') {
    forceOurs = true;
    setGlobal();
    lastReport = report('supplied', { ImageCapture: 'supplied', track: 'supplied' });
    return { ...lastReport };
  }

  // A browser ImageCapture: what to do with each of its methods, by the one rule.
  const plan = Object.fromEntries(Object.keys(METHODS).map((name) => [name, planFor(Native.prototype, name)]));
  if (digitalZoomByDefault) {
    // Ours as the global, the browser's methods behind it where it has them: the module finds
    // the browser's constructor under NATIVE on ours.
    Object.defineProperty(ImageCapture, NATIVE, { value: Native, configurable: true });
    setGlobal();
    const result = { ImageCapture: 'supplied', track: 'supplied' };
    for (const name of Object.keys(METHODS)) {
      result[name] = plan[name] === 'supplied' ? 'supplied' : 'wrapped';
    }
    lastReport = result;
    return { ...result };
  }
  const proto = Native.prototype;
  const result = { ImageCapture: 'kept', track: 'kept' };
  // The legacy object of Firefox (an event-based takePhoto) has `onphoto`: its methods are
  // never the spec's, and `{ wrap: false }` does not keep them.
  const legacy = 'onphoto' in proto;
  for (const name of Object.keys(METHODS)) {
    const current = proto[name];
    if (typeof current === 'function' && current[OURS]) {
      // Patched already (by another copy of the package).
      result[name] = typeof current[NATIVE] === 'function' ? 'wrapped' : 'supplied';
    } else if (plan[name] === 'kept' || (!wrap && typeof current === 'function' && !legacy)) {
      result[name] = 'kept';
    } else {
      const native = plan[name] === 'wrapped' ? current : undefined;
      Object.defineProperty(proto, name, {
        value: patched(name, Native, native),
        writable: true,
        enumerable: true,
        configurable: true,
      });
      result[name] = native === undefined ? 'supplied' : 'wrapped';
    }
  }
  if (Object.getOwnPropertyDescriptor(proto, 'track')?.get?.[OURS]) {
    result.track = 'supplied';
  } else if (!('track' in proto)) {
    // The legacy object calls its track `videoStreamTrack`.
    const get = function track() {
      return Reflect.get(this, 'videoStreamTrack');
    };
    Object.defineProperty(get, OURS, { value: true });
    Object.defineProperty(proto, 'track', { get, enumerable: true, configurable: true });
    result.track = 'supplied';
  }
  lastReport = result;
  return { ...result };
}

/**
 * For `install({ digitalZoom: true })`: `navigator.mediaDevices.getSupportedConstraints()` says
 * `zoom`, `pan` and `tilt` too, since every track given to an ImageCapture may now offer them.
 */
function supportDigitalZoom() {
  const devices = globalThis.navigator?.mediaDevices;
  const original = devices?.getSupportedConstraints;
  if (typeof original !== 'function' || original[OURS]) return;
  const getSupportedConstraints = function getSupportedConstraints() {
    return { ...Reflect.apply(original, this, []), zoom: true, pan: true, tilt: true };
  };
  Object.defineProperty(getSupportedConstraints, OURS, { value: true });
  Object.defineProperty(devices, 'getSupportedConstraints', {
    value: getSupportedConstraints,
    writable: true,
    configurable: true,
  });
}

function report(each, extra) {
  const out = { ...extra };
  for (const name of Object.keys(METHODS)) out[name] = each;
  return out;
}

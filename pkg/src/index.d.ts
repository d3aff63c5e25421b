// Types of the "imagecapture" package: the W3C MediaStream Image Capture API
// (https://w3c.github.io/mediacapture-image/), plus this package's `install()`.

// ---------------------------------------------------------------------------------------------
// Enums

/** Whether the device reduces red eyes: never, always, or as `PhotoSettings.redEyeReduction` says. */
export type RedEyeReduction = 'never' | 'always' | 'controllable';

/** The flash for a photo. */
export type FillLightMode = 'auto' | 'off' | 'flash';

/** The mode of white balance, exposure and focus (`whiteBalanceMode`, `exposureMode`, `focusMode`). */
export type MeteringMode = 'none' | 'manual' | 'single-shot' | 'continuous';

// ---------------------------------------------------------------------------------------------
// Dictionaries of ImageCapture

/** The range of a numeric setting. */
export interface MediaSettingsRange {
  max?: number;
  min?: number;
  step?: number;
}

/** What `takePhoto()` can do on this device (`getPhotoCapabilities()`). */
export interface PhotoCapabilities {
  redEyeReduction?: RedEyeReduction;
  imageHeight?: MediaSettingsRange;
  imageWidth?: MediaSettingsRange;
  fillLightMode?: FillLightMode[];
}

/** The settings of one photo (`takePhoto(settings)`), or the current ones (`getPhotoSettings()`). */
export interface PhotoSettings {
  fillLightMode?: FillLightMode;
  imageHeight?: number;
  imageWidth?: number;
  redEyeReduction?: boolean;
  /**
   * Extension of this package (browsers' own `takePhoto()` ignores it): the MIME type of the
   * photo, `"image/jpeg"` (the default) or `"image/png"`; another type rejects `NotSupportedError`.
   */
  type?: string;
  /**
   * Extension of this package: the JPEG quality from 0 to 1 (default 0.92); values outside 0..1
   * are ignored, as by `canvas.toBlob()`.
   */
  quality?: number;
}

// ---------------------------------------------------------------------------------------------
// Constraints the spec adds to MediaStreamTrack

/** A point of the frame, normalised: (0, 0) top left, (1, 1) bottom right. */
export interface Point2D {
  x?: number;
  y?: number;
}

/** `ConstrainPoint2DParameters`. */
export interface ConstrainPoint2DParameters {
  exact?: Point2D[];
  ideal?: Point2D[];
}

/** `ConstrainPoint2D`. */
export type ConstrainPoint2D = Point2D[] | ConstrainPoint2DParameters;

/** The image-capture members of `MediaTrackSupportedConstraints`. */
export interface ImageCaptureSupportedConstraints {
  whiteBalanceMode?: boolean;
  exposureMode?: boolean;
  focusMode?: boolean;
  pointsOfInterest?: boolean;
  exposureCompensation?: boolean;
  exposureTime?: boolean;
  colorTemperature?: boolean;
  iso?: boolean;
  brightness?: boolean;
  contrast?: boolean;
  saturation?: boolean;
  sharpness?: boolean;
  focusDistance?: boolean;
  pan?: boolean;
  tilt?: boolean;
  zoom?: boolean;
  torch?: boolean;
}

/** The image-capture members of `MediaTrackCapabilities`. */
export interface ImageCaptureTrackCapabilities {
  whiteBalanceMode?: MeteringMode[];
  exposureMode?: MeteringMode[];
  focusMode?: MeteringMode[];
  exposureCompensation?: MediaSettingsRange;
  exposureTime?: MediaSettingsRange;
  colorTemperature?: MediaSettingsRange;
  iso?: MediaSettingsRange;
  brightness?: MediaSettingsRange;
  contrast?: MediaSettingsRange;
  saturation?: MediaSettingsRange;
  sharpness?: MediaSettingsRange;
  focusDistance?: MediaSettingsRange;
  pan?: MediaSettingsRange;
  tilt?: MediaSettingsRange;
  zoom?: MediaSettingsRange;
  torch?: boolean[];
}

/** The image-capture members of `MediaTrackConstraintSet` (for `applyConstraints`). */
export interface ImageCaptureConstraintSet {
  whiteBalanceMode?: ConstrainDOMString;
  exposureMode?: ConstrainDOMString;
  focusMode?: ConstrainDOMString;
  pointsOfInterest?: ConstrainPoint2D;
  exposureCompensation?: ConstrainDouble;
  exposureTime?: ConstrainDouble;
  colorTemperature?: ConstrainDouble;
  iso?: ConstrainDouble;
  brightness?: ConstrainDouble;
  contrast?: ConstrainDouble;
  saturation?: ConstrainDouble;
  sharpness?: ConstrainDouble;
  focusDistance?: ConstrainDouble;
  pan?: boolean | ConstrainDouble;
  tilt?: boolean | ConstrainDouble;
  zoom?: boolean | ConstrainDouble;
  torch?: ConstrainBoolean;
}

/** The image-capture members of `MediaTrackSettings`. */
export interface ImageCaptureTrackSettings {
  whiteBalanceMode?: MeteringMode;
  exposureMode?: MeteringMode;
  focusMode?: MeteringMode;
  pointsOfInterest?: Point2D[];
  exposureCompensation?: number;
  exposureTime?: number;
  colorTemperature?: number;
  iso?: number;
  brightness?: number;
  contrast?: number;
  saturation?: number;
  sharpness?: number;
  focusDistance?: number;
  pan?: number;
  tilt?: number;
  zoom?: number;
  torch?: boolean;
}

// The same members on the DOM's own dictionaries, so `track.getSettings().focusDistance` and
// `applyConstraints({ advanced: [{ zoom: 2 }] })` type-check. TypeScript's lib.dom already
// declares a few settings (as plain strings or numbers); those are left as lib.dom has them.
declare global {
  interface MediaTrackSupportedConstraints extends ImageCaptureSupportedConstraints {}
  interface MediaTrackCapabilities extends ImageCaptureTrackCapabilities {}
  interface MediaTrackConstraintSet extends ImageCaptureConstraintSet {}
  interface MediaTrackSettings
    extends Omit<ImageCaptureTrackSettings, 'whiteBalanceMode' | 'zoom' | 'torch'> {}
}

// ---------------------------------------------------------------------------------------------
// ImageCapture

/** This package's options for one `ImageCapture` (not the spec's; the spec has none). */
export interface ImageCaptureOptions {
  /**
   * Digital zoom, pan and tilt, for cameras without a zoom of their own (Firefox's, most
   * webcams). The track then offers `zoom` (1–4, step 0.1), and `pan`/`tilt` (±648000
   * arc-seconds, step 3600) where it lacks them too, through its own `getCapabilities()`,
   * `getSettings()`, `getConstraints()` and `applyConstraints()` (the spec's names and rules:
   * `OverconstrainedError` for a required value out of range, ideals clamped and snapped,
   * `advanced` sets in order), and `grabFrame()` and `takePhoto()` deliver the shown part,
   * scaled to the full size. The same app code thus drives a real PTZ camera or the emulation.
   * A camera with its own zoom is left as it is. Default: `false`, or `true` after
   * `install({ digitalZoom: true })`.
   *
   * Only in the `imagecapture/zoom` entry (about 16 KB more gzip than the default entry): from
   * `imagecapture`, `true` throws a `NotSupportedError` `DOMException`.
   */
  digitalZoom?: boolean;
}

/**
 * Stills and frames from a video track. Uses the browser's own method where it has a working
 * one, this package's implementation otherwise.
 */
export declare class ImageCapture {
  /**
   * @throws {TypeError} when `videoTrack` is not a `MediaStreamTrack`.
   * @throws {DOMException} `NotSupportedError` when `videoTrack.kind` is not `"video"`.
   */
  constructor(videoTrack: MediaStreamTrack, options?: ImageCaptureOptions);

  /** The very track passed to the constructor. */
  readonly track: MediaStreamTrack;

  /**
   * One still image, taken with these settings. Rejects `InvalidStateError` (track ended or
   * disabled), `NotSupportedError` (settings outside the capabilities), `UnknownError` (the
   * device failed), `TypeError` (a value WebIDL rejects, such as `NaN`).
   */
  takePhoto(photoSettings?: PhotoSettings): Promise<Blob>;

  /** Rejects `InvalidStateError` (track ended or disabled) or `OperationError`. */
  getPhotoCapabilities(): Promise<PhotoCapabilities>;

  /** Rejects `InvalidStateError` (track ended or disabled) or `OperationError`. */
  getPhotoSettings(): Promise<PhotoSettings>;

  /**
   * A fresh frame of the live video, never one handed out before. Yours to `close()`. Rejects
   * `InvalidStateError` (track ended or disabled) or `UnknownError` (no frame came).
   */
  grabFrame(): Promise<ImageBitmap>;
}

// ---------------------------------------------------------------------------------------------
// install()

export interface InstallOptions {
  /** Use this package's implementation for every method, even where the browser has its own. */
  force?: boolean;
  /**
   * `false`: keep every method the browser has as it is (none wrapped, and the browser's own
   * `grabFrame` kept). Default `true`.
   */
  wrap?: boolean;
  /**
   * Digital zoom for every `ImageCapture` made from now on (see {@link ImageCaptureOptions}).
   * Where the browser has its own `ImageCapture`, this package's class becomes the global, with
   * the browser's methods behind it. Only in the `imagecapture/zoom` entry: from `imagecapture`,
   * `true` throws a `NotSupportedError` `DOMException` and nothing is installed.
   */
  digitalZoom?: boolean;
}

/**
 * What `install()` did to each member of `globalThis.ImageCapture`: `"kept"` the browser's own
 * (only with `{ wrap: false }`), `"wrapped"` the browser's own behind the spec's checks and
 * corrected where it breaks the spec (the browser's function stays reachable as
 * `method[Symbol.for("imagecapture.native")]`), or `"supplied"` this package's (a method the
 * browser lacks, and `grabFrame` in every browser).
 */
export interface InstallReport {
  ImageCapture: 'kept' | 'supplied';
  track: 'kept' | 'supplied';
  takePhoto: 'kept' | 'wrapped' | 'supplied';
  getPhotoCapabilities: 'kept' | 'wrapped' | 'supplied';
  getPhotoSettings: 'kept' | 'wrapped' | 'supplied';
  grabFrame: 'kept' | 'wrapped' | 'supplied';
}

/**
 * Makes `globalThis.ImageCapture` work, method by method, by one rule for every browser:
 * a browser method is wrapped (`{ wrap: false }` keeps it), a missing or legacy one is supplied
 * by this package, and so is `grabFrame`; with no `ImageCapture` at all, this package's class becomes the
 * global. `{ force: true }` installs this package's class for everything.
 */
export declare function install(options?: InstallOptions): InstallReport;

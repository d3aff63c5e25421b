// Type-checked by `tsc --strict` against the installed tarball (tests/consumers): every type the
// package exports, the members it adds to the DOM's MediaStreamTrack dictionaries, and the
// arguments it must refuse (each `@ts-expect-error` fails the check when the types accept them).

import {
  ImageCapture,
  install,
  type ConstrainPoint2D,
  type ConstrainPoint2DParameters,
  type FillLightMode,
  type ImageCaptureConstraintSet,
  type ImageCaptureOptions,
  type ImageCaptureSupportedConstraints,
  type ImageCaptureTrackCapabilities,
  type ImageCaptureTrackSettings,
  type InstallOptions,
  type InstallReport,
  type MediaSettingsRange,
  type MeteringMode,
  type PhotoCapabilities,
  type PhotoSettings,
  type Point2D,
  type RedEyeReduction,
} from 'imagecapture';
import 'imagecapture/polyfill';
import { ImageCapture as ZoomImageCapture, install as installZoom } from 'imagecapture/zoom';

export async function everyType(track: MediaStreamTrack): Promise<number> {
  const options: ImageCaptureOptions = { digitalZoom: false };
  const capture: ImageCapture = new ImageCapture(track, options);
  const same: MediaStreamTrack = capture.track;

  const capabilities: PhotoCapabilities = await capture.getPhotoCapabilities();
  const width: MediaSettingsRange | undefined = capabilities.imageWidth;
  const redEye: RedEyeReduction | undefined = capabilities.redEyeReduction;
  const modes: FillLightMode[] | undefined = capabilities.fillLightMode;
  const current: PhotoSettings = await capture.getPhotoSettings();
  const settings: PhotoSettings = {
    imageWidth: width?.max ?? 640,
    imageHeight: current.imageHeight ?? 480,
    fillLightMode: modes?.[0] ?? 'off',
    redEyeReduction: redEye === 'controllable',
    type: 'image/png',
    quality: 0.9,
  };
  const photo: Blob = await capture.takePhoto(settings);
  const frame: ImageBitmap = await capture.grabFrame();
  frame.close();

  const report: InstallReport = install({ force: false, wrap: true } satisfies InstallOptions);
  const kept: 'kept' | 'wrapped' | 'supplied' = report.grabFrame;

  // The constraints the spec adds to MediaStreamTrack, on the DOM's own dictionaries.
  const supported: MediaTrackSupportedConstraints = navigator.mediaDevices.getSupportedConstraints();
  const zoomSupported: boolean | undefined = supported.zoom;
  const trackCapabilities: MediaTrackCapabilities = track.getCapabilities();
  const zoomRange: MediaSettingsRange | undefined = trackCapabilities.zoom;
  const focusModes: MeteringMode[] | undefined = trackCapabilities.focusMode;
  const torch: boolean[] | undefined = trackCapabilities.torch;
  const point: Point2D = { x: 0.5, y: 0.5 };
  const points: ConstrainPoint2D = { ideal: [point] } satisfies ConstrainPoint2DParameters;
  await track.applyConstraints({
    advanced: [
      { zoom: 2, pan: { ideal: 3600 }, tilt: true, focusMode: 'manual', focusDistance: { exact: 0.5 } },
      { pointsOfInterest: points, exposureTime: 100, torch: false, whiteBalanceMode: 'continuous' },
    ],
  });
  const trackSettings: MediaTrackSettings = track.getSettings();
  const distance: number | undefined = trackSettings.focusDistance;
  const interest: Point2D[] | undefined = trackSettings.pointsOfInterest;

  // The package's own names for those members.
  const ownSupported: ImageCaptureSupportedConstraints = { torch: true };
  const ownCapabilities: ImageCaptureTrackCapabilities = { iso: { min: 100, max: 800, step: 100 } };
  const ownSet: ImageCaptureConstraintSet = { colorTemperature: { ideal: 5000 } };
  const ownSettings: ImageCaptureTrackSettings = { exposureCompensation: 0 };

  // The polyfill entry's global types, and the zoom entry's.
  const globalCapture = new globalThis.ImageCapture(track);
  const globalFrame: ImageBitmap = await globalCapture.grabFrame();
  const zoomed = new ZoomImageCapture(track, { digitalZoom: true });
  const zoomReport: InstallReport = installZoom({ digitalZoom: true });

  // Arguments the types must refuse.
  // @ts-expect-error: not a MediaStreamTrack
  new ImageCapture('camera');
  // @ts-expect-error: no such fill-light mode
  await capture.takePhoto({ fillLightMode: 'strobe' });
  // @ts-expect-error: imageWidth is a number
  await capture.takePhoto({ imageWidth: '1280' });
  // @ts-expect-error: focusMode is a MeteringMode
  const wrongMode: MeteringMode = 'auto';
  // @ts-expect-error: a point is {x, y}, not a pair
  const wrongPoint: Point2D = [0.5, 0.5];
  // @ts-expect-error: force is a boolean
  install({ force: 'yes' });
  // @ts-expect-error: zoom is a number, a boolean or a ConstrainDouble
  await track.applyConstraints({ advanced: [{ zoom: 'max' }] });

  return [same, photo, kept, zoomSupported, zoomRange, focusModes, torch, distance, interest, ownSupported,
    ownCapabilities, ownSet, ownSettings, globalFrame, zoomed, zoomReport, wrongMode, wrongPoint].length;
}

// The demo page: a camera, its live preview, Grab frame, Take photo at a chosen width, the
// camera's controls, what it reports, and which ImageCapture (the browser's or ours) does each
// method. Plain DOM code on purpose: it is meant to be read as an example of the API.

import { buildControls } from './controls.js';
import { cameraErrorMessage, describe, insecureContextMessage } from './errors.js';

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'),
  problem: $('problem'),
  problemText: $('problem-text'),
  retry: $('retry'),
  badges: $('badges'),
  grab: $('grab'),
  take: $('take'),
  resolution: $('resolution'),
  resolutionValue: $('resolution-value'),
  preview: $('preview'),
  frame: $('frame'),
  frameCaption: $('frame-caption'),
  photo: $('photo'),
  photoCaption: $('photo-caption'),
  download: $('download'),
  controlsSection: $('controls-section'),
  controls: $('controls'),
  trackCapabilities: $('track-capabilities'),
  trackSettings: $('track-settings'),
  photoCapabilities: $('photo-capabilities'),
  photoSettings: $('photo-settings'),
};

/** The camera in use: its track, the ImageCapture on it, and the controls built for it. */
let track = null;
let capture = null;
let controls = null;

// ---------------------------------------------------------------------------------------------
// Messages

function setStatus(text) {
  ui.status.textContent = text;
}

/** Shows a problem; `retry`: offer to open the camera again (it is the camera that failed). */
function showProblem(text, { retry = false } = {}) {
  ui.problemText.textContent = text;
  ui.retry.hidden = !retry;
  ui.problem.hidden = false;
}

function clearProblem() {
  ui.problem.hidden = true;
  ui.problemText.textContent = '';
}

// A failure no handler expected still reaches the person, not only the console.
window.addEventListener('error', (event) => showProblem(`Unexpected error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) =>
  showProblem(`Unexpected error: ${describe(event.reason)}`),
);

// ---------------------------------------------------------------------------------------------
// The package

const query = new URLSearchParams(location.search);
/** `?ours`: the package's implementation for every method, even where the browser has one. */
const forceOurs = query.has('ours');
/**
 * `?zoom`: digital zoom, pan and tilt where the camera has no zoom: the package's
 * `imagecapture/zoom` entry and `install({ digitalZoom: true })`.
 */
const digitalZoom = query.has('zoom');

/** This page's URL with the query parameter `name` on or off, the others kept. */
function withParam(name, on) {
  const next = new URLSearchParams(location.search);
  if (on) next.set(name, '');
  else next.delete(name);
  const text = next.toString().replace(/=(&|$)/g, '$1');
  return text ? `?${text}` : './';
}

/**
 * Loads the package from ./pkg/ through its polyfill entry, the way a page uses it
 * (`import 'imagecapture/polyfill'`), and returns install()'s report of what it did: calling
 * install() again changes nothing and answers the same report (or, with `force`, makes ours the
 * global). With `?zoom`, through the `imagecapture/zoom` entry instead (the default entry has no
 * digital zoom), whose install() is then the first. Imported dynamically only so that a missing
 * build becomes a message on the page instead of a silent module error.
 */
async function loadPackage() {
  if (digitalZoom) {
    const { install } = await import('./pkg/zoom/index.js');
    return install({ force: forceOurs, digitalZoom: true });
  }
  await import('./pkg/polyfill.js');
  const { install } = await import('./pkg/index.js');
  return install({ force: forceOurs });
}

/**
 * The badge for each of install()'s answers: "kept" is the browser's own method, "supplied"
 * ours, "wrapped" the browser's own behind the package's checks (the browser's camera does the
 * work, the package checks the call and corrects the result where it breaks the spec).
 */
const BADGES = {
  kept: { source: 'browser', text: "browser's own", title: "This browser's own method." },
  wrapped: {
    source: 'wrapped',
    text: "browser's own, wrapped",
    title: "This browser's own method, behind the imagecapture package's checks, which correct it where it breaks the spec.",
  },
  supplied: { source: 'ours', text: 'imagecapture (ours)', title: "The imagecapture package's method." },
};

/** One badge per method, from install()'s report. */
function showBadges(report) {
  for (const item of ui.badges.children) {
    const badge = item.querySelector('.badge');
    const answer = report[item.dataset.method];
    const { source, text, title } = BADGES[answer] ?? { source: 'unknown', text: String(answer), title: '' };
    badge.dataset.source = source;
    badge.textContent = text;
    badge.title = title;
  }
  $('mode-link').href = withParam('ours', !forceOurs);
  if (forceOurs) $('mode-link').textContent = "Use the browser's own methods where it has them";
  $('zoom-link').href = withParam('zoom', !digitalZoom);
  if (digitalZoom) $('zoom-link').textContent = 'Turn digital zoom off';
}

// ---------------------------------------------------------------------------------------------
// The camera

function setButtons(enabled) {
  ui.grab.disabled = !enabled;
  ui.take.disabled = !enabled;
  if (!enabled) ui.resolution.disabled = true;
}

async function startCamera() {
  clearProblem();
  setButtons(false);
  track?.stop();
  track = capture = null;
  setStatus('Asking for the camera…');
  let stream;
  try {
    // pan/tilt/zoom: true asks for them: the spec exposes them only to a page that asked.
    stream = await navigator.mediaDevices.getUserMedia({
      video: { pan: true, tilt: true, zoom: true },
    });
  } catch (error) {
    setStatus('No camera.');
    showProblem(cameraErrorMessage(error), { retry: true });
    return;
  }
  [track] = stream.getVideoTracks();
  ui.preview.srcObject = stream;
  track.addEventListener('ended', () => {
    setButtons(false);
    setStatus('The camera stopped.');
    showProblem('The camera was disconnected or stopped (the track ended). Press Try again.', {
      retry: true,
    });
  });
  capture = new ImageCapture(track);
  controls = buildControls(ui.controls, track, onControlApplied);
  ui.controlsSection.hidden = controls.count === 0;
  await setUpResolution();
  await refreshPanel();
  setButtons(true);
  ui.resolution.disabled = ui.resolution.dataset.fixed === 'true';
  const { width, height } = track.getSettings();
  setStatus(`Camera ready: ${track.label || 'a camera'}, ${width}×${height}.`);
}

/** The photo-resolution slider, from getPhotoCapabilities().imageWidth. */
async function setUpResolution() {
  let range;
  let current;
  try {
    range = (await capture.getPhotoCapabilities()).imageWidth;
    current = (await capture.getPhotoSettings()).imageWidth;
  } catch (error) {
    showProblem(`Reading the photo capabilities failed: ${describe(error)}`);
  }
  if (!(range?.max > 0)) {
    ui.resolution.dataset.fixed = 'true';
    ui.resolutionValue.value = 'not adjustable';
    return;
  }
  ui.resolution.min = range.min;
  ui.resolution.max = range.max;
  ui.resolution.step = range.step > 0 ? range.step : 1;
  // Start where the camera is (clamped by the slider itself), or at the largest photo.
  ui.resolution.value = current > 0 ? current : range.max;
  ui.resolution.dataset.fixed = String(range.min === range.max);
  showResolution();
}

function showResolution() {
  ui.resolutionValue.value = `${ui.resolution.value} px wide`;
}

function onControlApplied(name, error) {
  if (error) showProblem(`applyConstraints({ ${name} }) failed: ${describe(error)}`);
  else clearProblem();
  refreshPanel();
}

// ---------------------------------------------------------------------------------------------
// Grab frame and Take photo

/** Draws `bitmap` on `canvas` at its own size, then frees it. */
function draw(canvas, bitmap) {
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d').drawImage(bitmap, 0, 0);
  bitmap.close();
}

/** Runs `work` with `button` disabled and its figure marked busy, reporting a failure. */
async function busy(button, canvas, what, work) {
  const figure = canvas.closest('figure');
  button.disabled = true;
  figure.setAttribute('aria-busy', 'true');
  try {
    await work();
  } catch (error) {
    showProblem(`${what} failed: ${describe(error)}`);
    setStatus(`${what} failed.`);
  } finally {
    figure.setAttribute('aria-busy', 'false');
    button.disabled = track?.readyState !== 'live';
  }
}

function grabFrame() {
  return busy(ui.grab, ui.frame, 'grabFrame()', async () => {
    const started = performance.now();
    const bitmap = await capture.grabFrame();
    const ms = Math.round(performance.now() - started);
    const { width, height } = bitmap;
    draw(ui.frame, bitmap);
    ui.frameCaption.textContent = `Frame: ${width}×${height}, grabbed in ${ms} ms.`;
    setStatus('Frame grabbed.');
  });
}

let photoUrl = null;

function takePhoto() {
  return busy(ui.take, ui.photo, 'takePhoto()', async () => {
    const settings = ui.resolution.dataset.fixed === 'true' ? {} : { imageWidth: Number(ui.resolution.value) };
    const started = performance.now();
    const blob = await capture.takePhoto(settings);
    const ms = Math.round(performance.now() - started);
    // Decoded as any image file would be: what is drawn is what the download holds.
    const bitmap = await createImageBitmap(blob);
    const { width, height } = bitmap;
    draw(ui.photo, bitmap);
    const kB = Math.round(blob.size / 1024);
    // Said out loud when the browser's takePhoto() ignored the width (Chromium's fake camera).
    const asked = !settings.imageWidth
      ? ''
      : width === settings.imageWidth
        ? ` (asked for imageWidth ${settings.imageWidth})`
        : ` (asked for imageWidth ${settings.imageWidth}, but this takePhoto() gave ${width} px)`;
    ui.photoCaption.textContent = `Photo: ${width}×${height}, ${blob.type || 'unknown type'}, ${kB} kB, taken in ${ms} ms${asked}.`;
    if (photoUrl) URL.revokeObjectURL(photoUrl);
    photoUrl = URL.createObjectURL(blob);
    const extension = (blob.type.split('/')[1] || 'bin').replace('jpeg', 'jpg');
    ui.download.href = photoUrl;
    ui.download.download = `photo-${width}x${height}.${extension}`;
    ui.download.textContent = `Download the photo (${extension.toUpperCase()}, ${kB} kB)`;
    ui.download.hidden = false;
    setStatus('Photo taken.');
    await refreshPanel();
  });
}

// ---------------------------------------------------------------------------------------------
// The panel

/** A dictionary as lines of `key: value`, each value compact JSON (ranges fit on one line). */
function show(pre, value) {
  pre.textContent =
    typeof value === 'string'
      ? value
      : Object.entries(value)
          .map(([key, v]) => `${key}: ${JSON.stringify(v)}`)
          .join('\n') || '(empty)';
}

async function refreshPanel() {
  if (!track) return;
  const settings = track.getSettings();
  show(
    ui.trackCapabilities,
    track.getCapabilities ? track.getCapabilities() : 'track.getCapabilities() is not available here',
  );
  show(ui.trackSettings, settings);
  controls?.refresh(settings);
  const [capabilities, photoSettings] = await Promise.allSettled([
    capture.getPhotoCapabilities(),
    capture.getPhotoSettings(),
  ]);
  show(ui.photoCapabilities, capabilities.value ?? describe(capabilities.reason));
  show(ui.photoSettings, photoSettings.value ?? describe(photoSettings.reason));
}

// ---------------------------------------------------------------------------------------------
// Start

async function main() {
  ui.grab.addEventListener('click', grabFrame);
  ui.take.addEventListener('click', takePhoto);
  ui.resolution.addEventListener('input', showResolution);
  ui.retry.addEventListener('click', startCamera);

  if (!window.isSecureContext) {
    setStatus('The camera cannot be used on this page.');
    showProblem(insecureContextMessage());
    return;
  }
  let report;
  try {
    report = await loadPackage();
  } catch (error) {
    setStatus('The imagecapture package did not load.');
    showProblem(
      `The imagecapture package did not load from ./pkg/ (${describe(error)}).\nBuild and serve it with \`cargo xtask demo\`.`,
    );
    return;
  }
  showBadges(report);
  if (!navigator.mediaDevices?.getUserMedia) {
    setStatus('No camera access in this browser.');
    showProblem('This browser has no navigator.mediaDevices.getUserMedia().');
    return;
  }
  await startCamera();
}

main();

// The app every consumer builds (copied into each as src/main.js): what a web developer writes.
// It imports the package by its name, as installed from the tarball, and offers the test driver
// one function, `window.consumerRun()`, that takes a photo and a frame through the default entry
// (`imagecapture`), then through the polyfill entry (`imagecapture/polyfill`, loaded on demand:
// a chunk of its own in a bundler) and the global `ImageCapture`, and says which `.wasm` files
// the page fetched.

import { ImageCapture } from 'imagecapture';

/** A photo and a frame from `capture`, as plain data for the driver. */
async function shoot(capture) {
  const photo = await capture.takePhoto();
  const frame = await capture.grabFrame();
  const shot = {
    photo: { isBlob: photo instanceof Blob, type: photo.type, size: photo.size },
    frame: { isBitmap: frame instanceof ImageBitmap, width: frame.width, height: frame.height },
  };
  frame.close();
  return shot;
}

window.consumerRun = async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: true });
  const [track] = stream.getVideoTracks();
  try {
    const viaDefault = await shoot(new ImageCapture(track));
    await import('imagecapture/polyfill');
    const Global = globalThis.ImageCapture;
    const viaPolyfill = {
      hasAllMethods: ['takePhoto', 'grabFrame', 'getPhotoCapabilities', 'getPhotoSettings'].every(
        (m) => typeof Global?.prototype?.[m] === 'function',
      ),
      ...(await shoot(new Global(track))),
    };
    const wasm = performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((url) => new URL(url).pathname.endsWith('.wasm'));
    return { viaDefault, viaPolyfill, wasm };
  } finally {
    track.stop();
  }
};
document.documentElement.dataset.consumer = 'ready';

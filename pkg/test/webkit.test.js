// The npm package in WebKit (WebKitGTK's MiniBrowser through WebKitWebDriver, Safari's engine,
// its mock camera), in three shapes, one browser each:
//
// - webkit-native: WebKit's own ImageCapture on (a feature flag in WebKitGTK, on in Safari 26);
// - webkit-partial: the same with `ImageCapture.prototype.grabFrame` removed by the test page
//   before the package loads, the shape of Safari 18.x;
// - webkit-polyfill: the feature flag off, no ImageCapture at all.
//
// Needs webkit2gtk-driver and, without a DISPLAY, xvfb (`cargo xtask test` installs both).
import { describe } from 'node:test';

import { WEBKIT_SHAPES } from './browsers.js';
import { suite } from './suite.js';

for (const shape of Object.keys(WEBKIT_SHAPES)) {
  describe(shape, () => suite(shape));
}

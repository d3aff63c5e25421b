// imagecapture/polyfill: import it for its effect. It runs `install()` (see ./index.js) once,
// so the global `ImageCapture` has every method of the spec, the browser's own behind the
// spec's checks where it has one (see install()).
// For the report of what was done, or `{ force: true }`, import `install` from "imagecapture"
// and call it yourself instead.

import { install } from './index.js';

install();

// The npm package in headless Firefox (fake camera; no ImageCapture of its own, or the legacy
// one behind dom.imagecapture.enabled).
import { suite } from './suite.js';

suite('firefox');

// The npm package in headless Chromium (fake camera; the browser has its own ImageCapture).
import { suite } from './suite.js';

suite('chromium');

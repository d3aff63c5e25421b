// A production build with webpack 5's defaults: nothing configured for the package's
// WebAssembly (`new URL('…wasm', import.meta.url)` becomes an emitted asset) or its top-level
// await (on by default since webpack 5.83).
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  context: fileURLToPath(new URL('.', import.meta.url)),
  entry: './src/main.js',
  output: { path: fileURLToPath(new URL('./dist', import.meta.url)), clean: true },
};

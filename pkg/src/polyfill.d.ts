// imagecapture/polyfill: a side-effect import that exports nothing. After it, the global
// `ImageCapture` has all four methods of the spec (see `install` in "imagecapture"); these
// declarations add what TypeScript's lib.dom may lack to the global types.

declare global {
  interface ImageCapture {
    grabFrame(): Promise<ImageBitmap>;
  }
  interface PhotoSettings {
    /** Extension of this package: `"image/jpeg"` (default) or `"image/png"`. */
    type?: string;
    /** Extension of this package: JPEG quality from 0 to 1 (default 0.92). */
    quality?: number;
  }
}

export {};

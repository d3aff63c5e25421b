// What to tell a person when the camera cannot be opened. getUserMedia rejects with a
// DOMException whose name says why; each gets a sentence on what to do about it, because "the
// camera does not work" is the one message that helps nobody.

const FAKE_CAMERA = `No camera at hand? Try a fake one:
• Chrome/Chromium: start it with --use-fake-device-for-media-stream (and --use-fake-ui-for-media-stream to skip the prompt).
• Firefox: set media.navigator.streams.fake to true in about:config.`;

/** The page cannot use the camera at all (checked before asking for one). */
export function insecureContextMessage() {
  const local = `http://localhost:${location.port || 8000}/`;
  return `This page is not a secure context (${location.origin}): browsers give camera access only to https:// pages and to http://localhost.
Open it as ${local} on the machine that serves it (\`cargo xtask demo\` does), or over HTTPS.`;
}

/** `error` from getUserMedia, as something a person can act on. */
export function cameraErrorMessage(error) {
  switch (error?.name) {
    case 'NotFoundError':
    case 'DevicesNotFoundError': // old Chrome
      return `No camera was found (NotFoundError). Plug one in and press Try again.\n${FAKE_CAMERA}`;
    case 'NotAllowedError':
    case 'PermissionDeniedError': // old Chrome
      return `Camera permission was refused (NotAllowedError). Allow the camera for this site (the camera icon in the address bar, or the site settings) and press Try again.`;
    case 'NotReadableError':
    case 'TrackStartError': // old Chrome
      return `The camera is busy or failed to start (NotReadableError): another application or tab is probably using it. Close that, then press Try again.`;
    case 'OverconstrainedError':
      return `No camera can satisfy the request (OverconstrainedError, constraint "${error.constraint ?? '?'}").`;
    case 'SecurityError':
      return `Camera access is blocked for this page (SecurityError), for example by a permissions policy.`;
    case 'AbortError':
      return `Opening the camera was aborted (AbortError). Press Try again.`;
    default:
      return `The camera could not be opened: ${describe(error)}`;
  }
}

/** `error` in one line: its name and message. */
export function describe(error) {
  if (error instanceof DOMException || error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}

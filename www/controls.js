// One control per image-capture capability the track reports (the constraints the spec adds to
// MediaStreamTrack): a select for the metering modes, a slider for every range, a switch for the
// torch. A capability the track does not report gets no control at all, so a camera without
// zoom shows no zoom slider. Every change goes through `track.applyConstraints()`.

/** Label and unit of each constraint, in the order of the spec's table. */
const CONSTRAINTS = {
  whiteBalanceMode: { label: 'White balance mode' },
  exposureMode: { label: 'Exposure mode' },
  focusMode: { label: 'Focus mode' },
  exposureCompensation: { label: 'Exposure compensation', unit: ' EV' },
  exposureTime: { label: 'Exposure time', unit: ' × 100 µs' },
  colorTemperature: { label: 'Colour temperature', unit: ' K' },
  iso: { label: 'ISO' },
  brightness: { label: 'Brightness' },
  contrast: { label: 'Contrast' },
  saturation: { label: 'Saturation' },
  sharpness: { label: 'Sharpness' },
  focusDistance: { label: 'Focus distance', unit: ' m' },
  pan: { label: 'Pan', unit: '″' }, // arc-seconds
  tilt: { label: 'Tilt', unit: '″' },
  zoom: { label: 'Zoom', unit: '×' },
  torch: { label: 'Torch' },
};

/** Whether the track's capability `value` deserves a control, and which kind. */
function kindOf(value) {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string') && value.length > 0) {
    return 'select';
  }
  // `torch: [false]` means "no torch"; old Chrome reported a plain `true`.
  if (value === true || (Array.isArray(value) && value.includes(true))) return 'switch';
  if (value && typeof value.min === 'number' && typeof value.max === 'number') return 'range';
  return null;
}

function format(value, unit = '') {
  if (typeof value !== 'number') return value === undefined ? '–' : String(value);
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
  return `${shown}${unit}`;
}

/**
 * Applies `name: value` to `track`, the latest value winning: while one applyConstraints()
 * runs, further values (a slider being dragged) replace each other, and only the last is sent.
 */
function applier(track, name, done) {
  let next;
  let running = false;
  return async function apply(value) {
    next = { value };
    if (running) return;
    running = true;
    let error = null;
    while (next) {
      const { value: current } = next;
      next = undefined;
      try {
        // In `advanced`, as the spec's examples do: a value the camera cannot take is then
        // skipped rather than failing the whole call (Chrome still rejects some).
        await track.applyConstraints({ advanced: [{ [name]: current }] });
        error = null;
      } catch (e) {
        error = e;
      }
    }
    running = false;
    done(name, error);
  };
}

/**
 * Builds the controls for `track` into `container`.
 * `onApplied(name, error)` runs after each applyConstraints() settles (error: null on success).
 * @returns {{ count: number, refresh(settings: MediaTrackSettings): void }}
 */
export function buildControls(container, track, onApplied) {
  container.replaceChildren();
  const capabilities = track.getCapabilities?.() ?? {};
  const controls = [];
  const busy = new Set();
  const done = (name, error) => {
    busy.delete(name);
    onApplied(name, error);
  };

  for (const [name, { label, unit }] of Object.entries(CONSTRAINTS)) {
    const capability = capabilities[name];
    const kind = kindOf(capability);
    if (!kind) continue;
    const id = `control-${name}`;
    const row = document.createElement('div');
    row.className = 'control';
    const labelEl = document.createElement('label');
    labelEl.htmlFor = id;
    labelEl.textContent = label;
    const output = document.createElement('output');
    output.htmlFor = id;
    let input;
    if (kind === 'select') {
      input = document.createElement('select');
      for (const mode of capability) input.add(new Option(mode, mode));
    } else if (kind === 'switch') {
      input = document.createElement('input');
      input.type = 'checkbox';
      input.setAttribute('role', 'switch');
    } else {
      input = document.createElement('input');
      input.type = 'range';
      input.min = capability.min;
      input.max = capability.max;
      input.step = capability.step > 0 ? capability.step : 'any';
      input.disabled = capability.min === capability.max;
    }
    input.id = id;
    input.dataset.constraint = name;
    const apply = applier(track, name, done);
    const read = () => (kind === 'switch' ? input.checked : kind === 'range' ? Number(input.value) : input.value);
    // Sliders apply while dragged (zoom should follow the hand), the others on change.
    input.addEventListener(kind === 'range' ? 'input' : 'change', () => {
      busy.add(name);
      output.value = format(read(), unit);
      apply(read());
    });
    row.append(labelEl, input, output);
    container.append(row);
    controls.push({ name, kind, unit, input, output });
  }

  return {
    count: controls.length,
    /** Shows `settings` in every control not being changed right now. */
    refresh(settings) {
      for (const { name, kind, unit, input, output } of controls) {
        if (busy.has(name) || !(name in settings)) continue;
        const value = settings[name];
        if (kind === 'switch') input.checked = Boolean(value);
        else input.value = value;
        output.value = kind === 'select' ? '' : kind === 'switch' ? (value ? 'on' : 'off') : format(value, unit);
      }
    },
  };
}

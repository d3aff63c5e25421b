// Just enough PNG decoding to look at a screenshot in node, with the zlib node has built in:
// 8-bit RGB or RGBA, not interlaced, which is what Chromium, Firefox and WebKit write.

import { inflateSync } from 'node:zlib';

const SIGNATURE = '89504e470d0a1a0a';

/** @returns {{ width: number, height: number, channels: 3 | 4, pixels: Buffer }} */
export function decodePng(buffer) {
  if (buffer.subarray(0, 8).toString('hex') !== SIGNATURE) throw new Error('not a PNG file');
  let header = null;
  const compressed = [];
  for (let at = 8; at < buffer.length; ) {
    const length = buffer.readUInt32BE(at);
    const type = buffer.toString('latin1', at + 4, at + 8);
    const data = buffer.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      header = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        depth: data[8],
        colourType: data[9],
        interlaced: data[12] !== 0,
      };
    } else if (type === 'IDAT') {
      compressed.push(data);
    } else if (type === 'IEND') {
      break;
    }
    at += 12 + length; // length, type, data, CRC
  }
  const channels = { 2: 3, 6: 4 }[header?.colourType];
  if (!header || header.depth !== 8 || !channels || header.interlaced) {
    throw new Error(`unsupported PNG: ${JSON.stringify(header)}`);
  }
  const { width, height } = header;
  const raw = inflateSync(Buffer.concat(compressed));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  // Each row starts with its filter type; the filters predict from the left (a), upper (b)
  // and upper-left (c) bytes of the already decoded image.
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : null;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels] : 0;
      const b = up ? up[x] : 0;
      const c = up && x >= channels ? up[x - channels] : 0;
      let predicted;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) >> 1; break;
        case 4: predicted = paeth(a, b, c); break;
        default: throw new Error(`bad PNG filter ${filter} in row ${y}`);
      }
      out[x] = (line[x] + predicted) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * What a glance at the image, or at the rectangle `area` of it (pixels, clipped to the image),
 * would tell: how many distinct colours it has, which share of its pixels is vividly coloured
 * (channels far apart: a camera picture, a badge; never the black, white or grey of text and
 * background), which share is lit (not black), and which share differs from `background` (an
 * `[r, g, b]`; by default its top left pixel, the page's background in a screenshot) by more than
 * a little.
 */
export function summarise(image, area, background) {
  const { width, height, channels, pixels } = image;
  const x0 = Math.max(0, Math.round(area?.x ?? 0));
  const y0 = Math.max(0, Math.round(area?.y ?? 0));
  const x1 = Math.min(width, Math.round(area ? area.x + area.width : width));
  const y1 = Math.min(height, Math.round(area ? area.y + area.height : height));
  const [br, bg, bb] = background ?? [pixels[0], pixels[1], pixels[2]];
  const colours = new Set();
  let vivid = 0;
  let lit = 0;
  let foreground = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * width + x) * channels;
      const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
      colours.add((r << 16) | (g << 8) | b);
      if (Math.max(r, g, b) - Math.min(r, g, b) > 64) vivid += 1;
      if (Math.max(r, g, b) > 32) lit += 1;
      if (Math.max(Math.abs(r - br), Math.abs(g - bg), Math.abs(b - bb)) > 16) foreground += 1;
    }
  }
  const count = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return {
    width: x1 - x0,
    height: y1 - y0,
    colours: colours.size,
    vivid: count && vivid / count,
    lit: count && lit / count,
    foreground: count && foreground / count,
  };
}

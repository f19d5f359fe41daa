#!/usr/bin/env node
// Draws the app icon (a rounded green square with a white "H" and a small spark) as PNGs, with no image
// library: raw RGBA rows, zlib-deflated, written as PNG chunks. Run: node assets/icons/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const SIZES = [16, 32, 48, 64, 128, 256, 512];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Coverage (0..1) of the icon shape at a point in unit coordinates, 4x4 supersampled by the caller. */
function colourAt(x, y) {
  const r = 0.2; // corner radius
  const dx = Math.max(r - x, 0, x - (1 - r));
  const dy = Math.max(r - y, 0, y - (1 - r));
  if (dx * dx + dy * dy > r * r) return null;
  const inH = (x > 0.27 && x < 0.39 && y > 0.24 && y < 0.76) || (x > 0.61 && x < 0.73 && y > 0.24 && y < 0.76) || (x >= 0.39 && x <= 0.61 && y > 0.45 && y < 0.56);
  const spark = Math.abs(x - 0.8) + Math.abs(y - 0.2) < 0.07;
  if (inH || spark) return [255, 255, 255];
  const t = (x + y) / 2; // diagonal gradient
  return [Math.round(24 + 40 * t), Math.round(150 - 50 * t), Math.round(110 - 20 * t)];
}

function png(size) {
  const rows = [];
  const samples = 4;
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px++) {
      let red = 0, green = 0, blue = 0, alpha = 0;
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) {
          const c = colourAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!c) continue;
          red += c[0];
          green += c[1];
          blue += c[2];
          alpha += 1;
        }
      const o = 1 + px * 4;
      if (alpha > 0) row.set([Math.round(red / alpha), Math.round(green / alpha), Math.round(blue / alpha), Math.round((255 * alpha) / samples ** 2)], o);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

for (const size of SIZES) writeFileSync(join(here, `${size}x${size}.png`), png(size));
writeFileSync(join(here, 'icon.png'), png(1024));
console.log(`wrote ${SIZES.length + 1} icons to ${here}`);

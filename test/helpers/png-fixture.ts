import { encodePng } from '../../src/util/png.js';
import { solid } from '../../src/sim/render.js';

/** A small real PNG face stand-in for identity references. */
export function referencePng(color = 0xc08060, size = 32): Buffer {
  return encodePng(solid(size, size, color));
}

/**
 * A small real baseline JPEG (greyscale, every 8×8 block flat grey): the segments a decoder needs
 * (SOI, JFIF, quantisation and Huffman tables, frame and scan headers, entropy data, EOI), so
 * structural checks see a complete file.
 */
export function referenceJpeg(width = 16, height = 16): Buffer {
  const seg = (marker: number, body: number[]) => [
    0xff,
    marker,
    (body.length + 2) >> 8,
    (body.length + 2) & 0xff,
    ...body,
  ];
  const jfif = seg(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const dqt = seg(0xdb, [0, ...Array.from({ length: 64 }, () => 1)]);
  const sof = seg(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const oneCode = (cls: number) => seg(0xc4, [cls << 4, 1, ...Array.from({ length: 15 }, () => 0), 0]);
  const sos = seg(0xda, [1, 1, 0x00, 0, 63, 0]);
  // Each block: DC difference category 0 ("0") and end-of-block ("0"): two bits, padded with ones.
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const bits = '00'.repeat(blocks).padEnd(Math.ceil((blocks * 2) / 8) * 8, '1');
  const data: number[] = [];
  for (let i = 0; i < bits.length; i += 8) data.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from([0xff, 0xd8, ...jfif, ...dqt, ...sof, ...oneCode(0), ...oneCode(1), ...sos, ...data, 0xff, 0xd9]);
}

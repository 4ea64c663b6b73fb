import { createInflate } from 'node:zlib';
import { crc32 } from './png.js';

/**
 * Check that bytes really are one complete PNG, JPEG or WebP image, and read its dimensions,
 * without decoding pixels into memory beyond what the format's own structure needs. The structure
 * is walked end to end (chunks and their CRCs, JPEG segments up to EOI, RIFF sizes); PNG image data
 * is inflated with a cap at the size its header promises, so a decompression bomb fails at the cap.
 */
export type ProbedType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface ImageProbe {
  type: ProbedType;
  width: number;
  height: number;
}

export class InvalidImage extends Error {
  override name = 'InvalidImage';
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Probe an image; throws InvalidImage saying what is wrong. `maxPixels` bounds width × height. */
export async function probeImage(bytes: Buffer, maxPixels: number): Promise<ImageProbe> {
  let probe: ImageProbe;
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) probe = await probePng(bytes, maxPixels);
  else if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) probe = probeJpeg(bytes);
  else if (
    bytes.length >= 12 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  )
    probe = probeWebp(bytes);
  else throw new InvalidImage('the file is not a PNG, JPEG or WebP image');
  if (probe.width < 1 || probe.height < 1) throw new InvalidImage('the image has no pixels');
  if (probe.width * probe.height > maxPixels)
    throw new InvalidImage(`the image has ${probe.width}×${probe.height} pixels, more than ${maxPixels}`);
  return probe;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

async function probePng(b: Buffer, maxPixels: number): Promise<ImageProbe> {
  let off = 8;
  let width = 0,
    height = 0,
    bitDepth = 0,
    colorType = -1,
    interlace = 0;
  const idat: Buffer[] = [];
  let ended = false;
  for (let first = true; off < b.length; first = false) {
    if (off + 12 > b.length) throw new InvalidImage('a PNG chunk is cut off');
    const length = b.readUInt32BE(off);
    const type = b.toString('latin1', off + 4, off + 8);
    if (length > 0x7fffffff || off + 12 + length > b.length)
      throw new InvalidImage(`PNG chunk ${JSON.stringify(type)} is cut off`);
    const data = b.subarray(off + 8, off + 8 + length);
    if (crc32(b.subarray(off + 4, off + 8 + length)) !== b.readUInt32BE(off + 8 + length))
      throw new InvalidImage(`PNG chunk ${JSON.stringify(type)} fails its CRC`);
    if (first && type !== 'IHDR') throw new InvalidImage('a PNG must start with IHDR');
    if (type === 'IHDR') {
      if (length !== 13) throw new InvalidImage('the PNG header is malformed');
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8]!;
      colorType = data[9]!;
      interlace = data[12]!;
      if (!(colorType in CHANNELS) || ![1, 2, 4, 8, 16].includes(bitDepth) || interlace > 1)
        throw new InvalidImage('the PNG header is malformed');
      if (width * height > maxPixels)
        throw new InvalidImage(`the image has ${width}×${height} pixels, more than ${maxPixels}`);
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    off += 12 + length;
  }
  if (!ended) throw new InvalidImage('the PNG has no IEND chunk (cut off?)');
  if (idat.length === 0) throw new InvalidImage('the PNG has no image data');
  const expected = rawSize(width, height, CHANNELS[colorType]! * bitDepth, interlace === 1);
  if ((await inflatedSize(idat, expected + 1)) !== expected)
    throw new InvalidImage('the PNG image data does not decompress to what its header promises');
  return { type: 'image/png', width, height };
}

/**
 * How many bytes zlib data inflates to, counted as it streams (nothing is kept), stopping at
 * `cap`: one byte over what the header promises tells a bomb (or a lie) from the real thing. -1
 * when the data is not valid zlib.
 */
async function inflatedSize(parts: Buffer[], cap: number): Promise<number> {
  const inflate = createInflate();
  let total = 0;
  const counted = new Promise<number>((resolve) => {
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total >= cap) {
        inflate.destroy();
        resolve(total);
      }
    });
    inflate.on('end', () => resolve(total));
    inflate.on('error', () => resolve(-1));
    inflate.on('close', () => resolve(total));
  });
  for (const part of parts) if (!inflate.destroyed) inflate.write(part);
  if (!inflate.destroyed) inflate.end();
  return counted;
}

/** Bytes of filtered scanlines for a PNG of this size (Adam7 passes when interlaced). */
function rawSize(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const lines = (w: number, h: number) => (w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bitsPerPixel) / 8)));
  if (!interlaced) return lines(width, height);
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ] as const;
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) total += lines(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy));
  return total;
}

function probeJpeg(b: Buffer): ImageProbe {
  let off = 2;
  let width = 0,
    height = 0;
  while (off < b.length) {
    if (b[off] !== 0xff) throw new InvalidImage('the JPEG structure is broken');
    while (b[off] === 0xff) off++; // fill bytes
    const marker = b[off++];
    if (marker === undefined) break;
    if (marker === 0xd9) throw new InvalidImage('the JPEG ends before its image data');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (off + 2 > b.length) throw new InvalidImage('a JPEG segment is cut off');
    const length = b.readUInt16BE(off);
    if (length < 2 || off + length > b.length) throw new InvalidImage('a JPEG segment is cut off');
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (length < 8) throw new InvalidImage('the JPEG frame header is malformed');
      height = b.readUInt16BE(off + 3);
      width = b.readUInt16BE(off + 5);
    }
    off += length;
    if (marker === 0xda) {
      // Entropy-coded data runs to the end-of-image marker; the file must contain it.
      if (!width || !height) throw new InvalidImage('the JPEG has image data before its frame header');
      const eoi = b.lastIndexOf(Buffer.from([0xff, 0xd9]));
      if (eoi < off) throw new InvalidImage('the JPEG has no end-of-image marker (cut off?)');
      return { type: 'image/jpeg', width, height };
    }
  }
  throw new InvalidImage('the JPEG has no image data');
}

function probeWebp(b: Buffer): ImageProbe {
  const riffSize = b.readUInt32LE(4);
  if (riffSize + 8 > b.length || riffSize < 12) throw new InvalidImage('the WebP file is cut off');
  const chunk = b.toString('latin1', 12, 16);
  const size = b.readUInt32LE(16);
  const data = b.subarray(20, 20 + size);
  if (data.length < size) throw new InvalidImage('the WebP image chunk is cut off');
  if (chunk === 'VP8 ') {
    if (size < 10 || data[3] !== 0x9d || data[4] !== 0x01 || data[5] !== 0x2a)
      throw new InvalidImage('the WebP (VP8) frame header is malformed');
    return { type: 'image/webp', width: data.readUInt16LE(6) & 0x3fff, height: data.readUInt16LE(8) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (size < 5 || data[0] !== 0x2f) throw new InvalidImage('the WebP (lossless) header is malformed');
    const bits = data.readUInt32LE(1);
    return { type: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    if (size < 10) throw new InvalidImage('the WebP (extended) header is malformed');
    return { type: 'image/webp', width: data.readUIntLE(4, 3) + 1, height: data.readUIntLE(7, 3) + 1 };
  }
  throw new InvalidImage('the WebP file has no image chunk');
}

import { createHash } from 'node:crypto';
import type { RawImage } from '../util/png.js';

/**
 * Pixel operations of the simulator. They are cheap stand-ins for the real models, but they really
 * change pixels, so a test can tell whether a post-processing node ran, and they are deterministic
 * (same inputs → same bytes), so caching and reproducibility can be checked.
 */
export function seedFrom(...parts: unknown[]): number {
  return createHash('sha256').update(JSON.stringify(parts)).digest().readUInt32BE(0);
}

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v | 0);

export function blank(width: number, height: number): RawImage {
  return { width, height, channels: 3, data: new Uint8Array(width * height * 3) };
}

/** A "generated" picture: two-colour gradient, soft blobs and fine noise, all from the seed. */
export function renderGenerated(
  width: number,
  height: number,
  seed: number,
  tint?: { rgb: [number, number, number]; weight: number },
): RawImage {
  const rnd = prng(seed);
  const c1 = [rnd() * 255, rnd() * 255, rnd() * 255];
  const c2 = [rnd() * 255, rnd() * 255, rnd() * 255];
  const blobs = Array.from({ length: 4 }, () => ({
    x: rnd() * width,
    y: rnd() * height,
    r: (0.1 + rnd() * 0.3) * Math.max(width, height),
    c: [rnd() * 255, rnd() * 255, rnd() * 255],
  }));
  const img = blank(width, height);
  const d = img.data;
  let noise = seed >>> 0;
  for (let y = 0; y < height; y++) {
    const ty = y / Math.max(1, height - 1);
    for (let x = 0; x < width; x++) {
      const t = (ty + x / Math.max(1, width - 1)) / 2;
      let r = c1[0]! * (1 - t) + c2[0]! * t,
        g = c1[1]! * (1 - t) + c2[1]! * t,
        b = c1[2]! * (1 - t) + c2[2]! * t;
      for (const blob of blobs) {
        const dx = x - blob.x,
          dy = y - blob.y;
        const w = Math.max(0, 1 - (dx * dx + dy * dy) / (blob.r * blob.r)) * 0.6;
        if (w > 0) {
          r += (blob.c[0]! - r) * w;
          g += (blob.c[1]! - g) * w;
          b += (blob.c[2]! - b) * w;
        }
      }
      if (tint) {
        r += (tint.rgb[0] - r) * tint.weight;
        g += (tint.rgb[1] - g) * tint.weight;
        b += (tint.rgb[2] - b) * tint.weight;
      }
      noise = (Math.imul(noise, 1664525) + 1013904223) >>> 0;
      const n = ((noise >>> 24) - 128) / 16;
      const o = (y * width + x) * 3;
      d[o] = clamp(r + n);
      d[o + 1] = clamp(g + n);
      d[o + 2] = clamp(b + n);
    }
  }
  return img;
}

export function solid(width: number, height: number, color: number): RawImage {
  const img = blank(width, height);
  const r = (color >> 16) & 0xff,
    g = (color >> 8) & 0xff,
    b = color & 0xff;
  for (let i = 0; i < img.data.length; i += 3) {
    img.data[i] = r;
    img.data[i + 1] = g;
    img.data[i + 2] = b;
  }
  return img;
}

export function mapPixels(img: RawImage, fn: (v: number, channel: number, i: number) => number): RawImage {
  const out = blank(img.width, img.height);
  const s = img.data,
    d = out.data;
  for (let i = 0; i < s.length; i++) d[i] = clamp(fn(s[i]!, i % 3, i));
  return out;
}

export function resize(img: RawImage, width: number, height: number): RawImage {
  if (width === img.width && height === img.height) return img;
  const out = blank(width, height);
  const sx = img.width / width,
    sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, (y + 0.5) * sy - 0.5 < 0 ? 0 : (y + 0.5) * sy - 0.5);
    const y0 = Math.floor(fy),
      y1 = Math.min(img.height - 1, y0 + 1),
      wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, (x + 0.5) * sx - 0.5 < 0 ? 0 : (x + 0.5) * sx - 0.5);
      const x0 = Math.floor(fx),
        x1 = Math.min(img.width - 1, x0 + 1),
        wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = img.data[(y0 * img.width + x0) * 3 + c]!,
          b = img.data[(y0 * img.width + x1) * 3 + c]!;
        const e = img.data[(y1 * img.width + x0) * 3 + c]!,
          f = img.data[(y1 * img.width + x1) * 3 + c]!;
        out.data[(y * width + x) * 3 + c] = clamp(
          (a * (1 - wx) + b * wx) * (1 - wy) + (e * (1 - wx) + f * wx) * wy + 0.5,
        );
      }
    }
  }
  return out;
}

/** 3×3 unsharp mask; `amount` 0..5. Used for sharpen and (in the centre) face restoration. */
export function sharpen(
  img: RawImage,
  amount: number,
  region?: { x0: number; y0: number; x1: number; y1: number },
): RawImage {
  const out: RawImage = { ...img, data: Uint8Array.from(img.data) };
  const { width, height } = img;
  const r = region ?? { x0: 1, y0: 1, x1: width - 1, y1: height - 1 };
  for (let y = Math.max(1, r.y0); y < Math.min(height - 1, r.y1); y++) {
    for (let x = Math.max(1, r.x0); x < Math.min(width - 1, r.x1); x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * width + x) * 3 + c;
        const avg = (img.data[i - 3]! + img.data[i + 3]! + img.data[i - width * 3]! + img.data[i + width * 3]!) / 4;
        out.data[i] = clamp(img.data[i]! + (img.data[i]! - avg) * amount);
      }
    }
  }
  return out;
}

export function boxBlur(img: RawImage, radius: number): RawImage {
  const out = blank(img.width, img.height);
  const { width, height } = img;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0,
          n = 0;
        for (let dy = -radius; dy <= radius; dy += radius) {
          for (let dx = -radius; dx <= radius; dx += radius) {
            const yy = Math.min(height - 1, Math.max(0, y + dy)),
              xx = Math.min(width - 1, Math.max(0, x + dx));
            sum += img.data[(yy * width + xx) * 3 + c]!;
            n++;
          }
        }
        out.data[(y * width + x) * 3 + c] = clamp(sum / n);
      }
    }
  }
  return out;
}

export function addNoise(img: RawImage, seed: number, strength: number, mono = false): RawImage {
  const rnd = prng(seed);
  let n = 0;
  return mapPixels(img, (v, c) => {
    if (!mono || c === 0) n = (rnd() - 0.5) * 2 * strength * 64;
    return v + n;
  });
}

/** Reinhard curve v/(1+v) scaled so that white stays white: compresses highlights, lifts nothing. */
export function reinhard(img: RawImage, strength = 1): RawImage {
  return mapPixels(img, (v) => {
    const x = v / 255;
    const mapped = (2 * x) / (1 + x);
    return ((1 - strength) * x + strength * mapped) * 255;
  });
}

/** Teal shadows, orange highlights. */
export function tealOrange(img: RawImage, strength = 1): RawImage {
  const out = blank(img.width, img.height);
  const s = img.data,
    d = out.data;
  for (let i = 0; i < s.length; i += 3) {
    const lum = (0.299 * s[i]! + 0.587 * s[i + 1]! + 0.114 * s[i + 2]!) / 255;
    const shadow = 1 - lum,
      high = lum;
    d[i] = clamp(s[i]! + strength * (high * 30 - shadow * 20));
    d[i + 1] = clamp(s[i + 1]! + strength * (high * 8 + shadow * 6));
    d[i + 2] = clamp(s[i + 2]! + strength * (shadow * 28 - high * 25));
  }
  return out;
}

export function meanColor(img: RawImage): [number, number, number] {
  let r = 0,
    g = 0,
    b = 0;
  const n = img.width * img.height;
  for (let i = 0; i < img.data.length; i += 3) {
    r += img.data[i]!;
    g += img.data[i + 1]!;
    b += img.data[i + 2]!;
  }
  return [r / n, g / n, b / n];
}

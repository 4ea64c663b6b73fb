import type { RawImage } from '../util/png.js';

/**
 * Small but well-formed media files for the simulator's video, audio and 3D savers: the containers
 * a real ComfyUI writes (animated WebP, MP4, FLAC, binary glTF), with the sizes, frame counts and
 * durations a client reads from them, and token payloads where real ones would hold encoded
 * pixels or samples (the service never decodes them; it checks what the bytes are).
 */

const u24le = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);
const u32be = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

function riffChunk(tag: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(tag, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** A 1×1 lossless (VP8L) bitstream: each frame's token picture. */
const VP8L_1X1 = Buffer.from('2f00000010071011118888fe07', 'hex');

/**
 * An animated WebP (VP8X with the animation flag, ANIM, one ANMF per frame) of the frames' canvas
 * size, each frame shown for 1/fps s, looping forever: what SaveAnimatedWEBP writes.
 */
export function animatedWebp(frames: RawImage[], fps: number): Buffer {
  const width = frames[0]?.width ?? 1;
  const height = frames[0]?.height ?? 1;
  const duration = Math.max(1, Math.round(1000 / Math.max(0.01, fps)));
  const vp8x = Buffer.concat([Buffer.from([0x02 | 0x10, 0, 0, 0]), u24le(width - 1), u24le(height - 1)]);
  const anim = Buffer.from([0, 0, 0, 0, 0, 0]); // background colour, loop count 0 (forever)
  const anmf = frames.map(() =>
    riffChunk(
      'ANMF',
      Buffer.concat([
        u24le(0),
        u24le(0),
        u24le(0),
        u24le(0),
        u24le(duration),
        Buffer.from([0]),
        riffChunk('VP8L', VP8L_1X1),
      ]),
    ),
  );
  const body = Buffer.concat([
    Buffer.from('WEBP', 'latin1'),
    riffChunk('VP8X', vp8x),
    riffChunk('ANIM', anim),
    ...anmf,
  ]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

function box(type: string, ...parts: Buffer[]): Buffer {
  const data = Buffer.concat(parts);
  return Buffer.concat([u32be(8 + data.length), Buffer.from(type, 'latin1'), data]);
}

/**
 * An MP4 (ftyp isom, moov with the movie header's timescale and duration, mdat holding one token
 * sample per frame): what SaveVideo and VideoHelperSuite's h264-mp4 format write.
 */
export function mp4(frames: RawImage[], fps: number): Buffer {
  const timescale = 1000;
  const duration = Math.round((frames.length * 1000) / Math.max(0.01, fps));
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(timescale, 12);
  mvhd.writeUInt32BE(duration, 16);
  mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
  mvhd.writeUInt16BE(0x0100, 24); // volume 1.0
  for (const [i, v] of [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].entries())
    mvhd.writeUInt32BE(v, 36 + i * 4);
  mvhd.writeUInt32BE(2, 96); // next track id
  const samples = frames.map((f, i) => Buffer.from(`frame ${i} ${f.width}x${f.height}\n`, 'latin1'));
  return Buffer.concat([
    box('ftyp', Buffer.from('isom', 'latin1'), u32be(0x200), Buffer.from('isomiso2avc1mp41', 'latin1')),
    box('moov', box('mvhd', mvhd)),
    box('mdat', ...samples),
  ]);
}

/** A FLAC stream's header (STREAMINFO: rate, channels, bits, total samples) for `seconds` of audio: what SaveAudio writes. */
export function flac(seconds: number, sampleRate = 44_100, channels = 2): Buffer {
  const info = Buffer.alloc(34);
  info.writeUInt16BE(4096, 0);
  info.writeUInt16BE(4096, 2);
  const total = BigInt(Math.round(seconds * sampleRate));
  // sample rate (20 bits) | channels − 1 (3) | bits per sample − 1 (5) | total samples (36)
  const packed = (BigInt(sampleRate) << 44n) | (BigInt(channels - 1) << 41n) | (15n << 36n) | (total & 0xfffffffffn);
  info.writeBigUInt64BE(packed, 10);
  return Buffer.concat([Buffer.from('fLaC', 'latin1'), Buffer.from([0x80, 0, 0, 34]), info]);
}

/** A binary glTF 2.0 (header and its JSON chunk) naming one empty mesh: what the 3D savers write. */
export function glb(name: string): Buffer {
  let json = Buffer.from(
    JSON.stringify({
      asset: { version: '2.0', generator: 'comfyui-sim' },
      scenes: [{ nodes: [0] }],
      nodes: [{ name }],
    }),
  );
  if (json.length % 4) json = Buffer.concat([json, Buffer.alloc(4 - (json.length % 4), 0x20)]);
  const head = Buffer.alloc(20);
  head.write('glTF', 0, 'latin1');
  head.writeUInt32LE(2, 4);
  head.writeUInt32LE(20 + json.length, 8);
  head.writeUInt32LE(json.length, 12);
  head.write('JSON', 16, 'latin1');
  return Buffer.concat([head, json]);
}

/** An animated GIF89a (looping, one 1×1 token frame per image, 1/fps s each): VideoHelperSuite's image/gif format. */
export function gif(frames: RawImage[], fps: number): Buffer {
  const width = frames[0]?.width ?? 1;
  const height = frames[0]?.height ?? 1;
  const delay = Math.max(1, Math.round(100 / Math.max(0.01, fps))); // hundredths of a second
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(Math.min(width, 0xffff), 0);
  screen.writeUInt16LE(Math.min(height, 0xffff), 2);
  screen[4] = 0x80; // a global colour table of 2 entries
  const palette = Buffer.from([0, 0, 0, 255, 255, 255]);
  const loop = Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'latin1'), 0x03, 0x01, 0, 0, 0]);
  const frame = () =>
    Buffer.concat([
      Buffer.from([0x21, 0xf9, 0x04, 0x00, delay & 0xff, delay >> 8, 0x00, 0x00]),
      Buffer.from([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0]),
      Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00]),
    ]);
  return Buffer.concat([
    Buffer.from('GIF89a', 'latin1'),
    screen,
    palette,
    loop,
    ...frames.map(frame),
    Buffer.from([0x3b]),
  ]);
}

import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { solid } from '../../src/sim/render.js';
import { probeImage } from '../../src/util/image-probe.js';
import { encodePng, pngChunk } from '../../src/util/png.js';
import { PngTextRedactor } from '../../src/util/png-text-redactor.js';

const SECRET = 'sk-proj-QwErTyUiOpAsDfGhJkLzXcVb5678';
const graph = JSON.stringify({
  6: { class_type: 'CLIPTextEncode', inputs: { text: `a fox, ${SECRET}`, clip: ['4', 1] } },
  7: { class_type: 'SaveImage', inputs: { api_key: 'plain-secret-value' } },
});

/** A PNG carrying the graph in every kind of text chunk ComfyUI (through PIL) may write. */
function pngWithTexts(): Buffer {
  const base = encodePng(solid(16, 16, 0x336699));
  const iend = base.length - 12;
  const z = (s: string) => deflateSync(Buffer.from(s, 'latin1'));
  const texts = [
    pngChunk('tEXt', Buffer.concat([Buffer.from('prompt\0', 'latin1'), Buffer.from(graph, 'latin1')])),
    pngChunk('zTXt', Buffer.concat([Buffer.from('workflow\0\0', 'latin1'), z(graph)])),
    pngChunk(
      'iTXt',
      Buffer.concat([
        Buffer.from('prompt\0\0\0\0\0', 'latin1'),
        Buffer.from(graph.replace('a fox', 'a café fox'), 'utf8'),
      ]),
    ),
    pngChunk(
      'iTXt',
      Buffer.concat([Buffer.from('workflow\0\x01\0\0\0', 'latin1'), deflateSync(Buffer.from(graph, 'utf8'))]),
    ),
  ];
  return Buffer.concat([base.subarray(0, iend), ...texts, base.subarray(iend)]);
}

/** Feed bytes in pieces of seeded random sizes, as a network would deliver them. */
function run(bytes: Buffer, seed: number): { out: Buffer; changed: number } {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state;
  };
  const r = new PngTextRedactor();
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length;) {
    const n = 1 + (next() % 97);
    parts.push(...r.write(bytes.subarray(i, i + n)));
    i += n;
  }
  parts.push(...r.end());
  return { out: Buffer.concat(parts), changed: r.changed };
}

describe('PNG text chunk redaction', () => {
  it.each([1, 2, 3, 42, 20261201])(
    'removes credentials from tEXt, zTXt and iTXt (compressed or not), keeps every chunk and a valid PNG (seed %i)',
    async (seed) => {
      console.log(`[seed] png text redaction pieces seed ${seed}`);
      const { out, changed } = run(pngWithTexts(), seed);
      expect(changed).toBe(4);
      expect(out.includes(SECRET)).toBe(false);
      expect(out.includes('plain-secret-value')).toBe(false);
      await expect(probeImage(out, 1e6)).resolves.toMatchObject({ type: 'image/png', width: 16, height: 16 });
      const at = out.indexOf('tEXtprompt\0');
      const stored = JSON.parse(out.toString('latin1', at + 11, at + 4 + out.readUInt32BE(at - 4)));
      expect(stored[6].inputs.text).toBe('a fox, [REDACTED]');
      expect(stored[6].class_type).toBe('CLIPTextEncode');
      expect(out.includes('café', 0, 'utf8')).toBe(true);
    },
  );

  it('passes a PNG without credentials, and anything that is not a PNG, through byte for byte', () => {
    const plain = encodePng(solid(16, 16, 0x123456), {
      prompt: JSON.stringify({ 1: { class_type: 'EmptyImage', inputs: { width: 16 } } }),
    });
    expect(run(plain, 7).out.equals(plain)).toBe(true);
    const html = Buffer.from(`<html>${SECRET}</html>`);
    expect(run(html, 7).out.equals(html)).toBe(true);
  });
});

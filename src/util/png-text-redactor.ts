import { deflateSync, inflateSync } from 'node:zlib';
import { redact, redactUserText } from './redact.js';
import { pngChunk } from './png.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TEXT_CHUNKS = new Set(['tEXt', 'iTXt', 'zTXt']);
/** A text chunk larger than this is dropped rather than held in memory (ComfyUI's are kilobytes). */
const MAX_TEXT_CHUNK = 16 * 1024 * 1024;

/** A byte filter an artifact sink runs its stream through: pure, synchronous, bounded memory. */
export interface ByteFilter {
  write(chunk: Buffer): Buffer[];
  end(): Buffer[];
  /** Text chunks changed so far. */
  readonly changed: number;
}

/** Redact a text chunk's text: JSON (ComfyUI's `prompt` and `workflow`) string by string, so it stays loadable. */
function redactText(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    // Every string of the graph may hold what the user wrote: the user-text rules throughout.
    const out = JSON.stringify(redact(parsed, 0, redactUserText));
    return out === JSON.stringify(parsed) ? text : out;
  } catch {
    return redactUserText(text);
  }
}

/** The chunk with its text redacted, or null when nothing changed. */
function redactChunk(type: string, data: Buffer): Buffer | null {
  const nul = data.indexOf(0);
  if (nul <= 0) return null;
  const keyword = data.subarray(0, nul);
  if (type === 'tEXt') {
    const text = data.subarray(nul + 1).toString('latin1');
    const out = redactText(text);
    return out === text ? null : Buffer.concat([keyword, Buffer.from([0]), Buffer.from(out, 'latin1')]);
  }
  if (type === 'zTXt') {
    if (data[nul + 1] !== 0) return null;
    const text = inflateSync(data.subarray(nul + 2), { maxOutputLength: MAX_TEXT_CHUNK }).toString('latin1');
    const out = redactText(text);
    return out === text ? null : Buffer.concat([keyword, Buffer.from([0, 0]), deflateSync(Buffer.from(out, 'latin1'))]);
  }
  // iTXt: keyword \0 compressed-flag method language \0 translated-keyword \0 text (UTF-8)
  const flag = data[nul + 1];
  const lang = data.indexOf(0, nul + 3);
  const translated = lang < 0 ? -1 : data.indexOf(0, lang + 1);
  if (translated < 0) return null;
  const head = data.subarray(0, translated + 1);
  const body = data.subarray(translated + 1);
  const text = (flag === 1 ? inflateSync(body, { maxOutputLength: MAX_TEXT_CHUNK }) : body).toString('utf8');
  const out = redactText(text);
  if (out === text) return null;
  const encoded = Buffer.from(out, 'utf8');
  return Buffer.concat([head, flag === 1 ? deflateSync(encoded) : encoded]);
}

/**
 * ComfyUI writes the submitted graph into each PNG's text chunks (`prompt`, and `workflow` when the
 * client sent one), so a credential the job record redacted would still ride out in the image. This
 * filter passes a PNG through chunk by chunk, image data streaming untouched, and rewrites its text
 * chunks with the same redaction as prompts (the chunks are kept, so the graph still loads into
 * ComfyUI). Anything that is not a PNG, or stops parsing as one, passes through unchanged.
 */
export class PngTextRedactor implements ByteFilter {
  private pending = Buffer.alloc(0);
  private mode: 'signature' | 'header' | 'passthrough' = 'signature';
  /** Bytes of the current non-text chunk still to pass through (data + CRC). */
  private streaming = 0;
  changed = 0;

  write(chunk: Buffer): Buffer[] {
    if (this.mode === 'passthrough') return [chunk];
    const out: Buffer[] = [];
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    for (;;) {
      if (this.streaming > 0) {
        const n = Math.min(this.streaming, buf.length);
        out.push(buf.subarray(0, n));
        this.streaming -= n;
        buf = buf.subarray(n);
        if (this.streaming > 0) return out;
      }
      if (this.mode === 'signature') {
        if (buf.length < 8) break;
        if (!buf.subarray(0, 8).equals(SIGNATURE)) {
          this.mode = 'passthrough';
          out.push(buf);
          return out;
        }
        out.push(buf.subarray(0, 8));
        buf = buf.subarray(8);
        this.mode = 'header';
        continue;
      }
      if (buf.length < 8) break;
      const length = buf.readUInt32BE(0);
      const type = buf.toString('latin1', 4, 8);
      if (!TEXT_CHUNKS.has(type) || length > MAX_TEXT_CHUNK) {
        // Image data and every other chunk stream through as they come.
        out.push(buf.subarray(0, 8));
        this.streaming = length + 4;
        buf = buf.subarray(8);
        continue;
      }
      if (buf.length < 12 + length) break; // a text chunk is held until complete (bounded above)
      const data = buf.subarray(8, 8 + length);
      let replaced: Buffer | null = null;
      try {
        replaced = redactChunk(type, data);
      } catch {
        replaced = null;
      }
      if (replaced) {
        out.push(pngChunk(type, replaced));
        this.changed++;
      } else out.push(buf.subarray(0, 12 + length));
      buf = buf.subarray(12 + length);
    }
    if (buf.length) this.pending = Buffer.from(buf);
    return out;
  }

  end(): Buffer[] {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest.length ? [rest] : [];
  }
}

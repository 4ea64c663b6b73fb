/**
 * Media types recognised by their first bytes. What ComfyUI (or a client) says a file is, by name
 * or Content-Type, is never trusted: a file is stored and served as one of these only when its
 * bytes say so, and everything else is an opaque download.
 */
export type MediaKind = 'image' | 'video' | 'audio' | 'model' | 'file';

export interface MediaType {
  contentType: string;
  extension: string;
  kind: MediaKind;
}

const OPAQUE: MediaType = { contentType: 'application/octet-stream', extension: 'bin', kind: 'file' };

/** Types served inline (a browser may render them); anything else is served as an attachment. */
export const INLINE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'image/avif',
  'video/mp4',
  'video/webm',
  'audio/wav',
  'audio/mpeg',
  'audio/flac',
  'audio/ogg',
  'model/gltf-binary',
]);

const ascii = (b: Buffer, start: number, end: number) => (b.length >= end ? b.toString('latin1', start, end) : '');

/** The media type of a file from its first bytes (64 are enough); OPAQUE when unrecognised. */
export function sniffMedia(head: Buffer): MediaType {
  // An animation (animated WebP, APNG, looping GIF) is a moving picture: type video, while its
  // content type stays the image format a browser plays it as.
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a)
    return { contentType: 'image/png', extension: 'png', kind: ascii(head, 37, 41) === 'acTL' ? 'video' : 'image' };
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return { contentType: 'image/jpeg', extension: 'jpg', kind: 'image' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') {
    const animated = ascii(head, 12, 16) === 'VP8X' && head.length > 20 && (head[20]! & 0x02) !== 0;
    return { contentType: 'image/webp', extension: 'webp', kind: animated ? 'video' : 'image' };
  }
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE')
    return { contentType: 'audio/wav', extension: 'wav', kind: 'audio' };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')
    // The loop extension follows the colour table: within the head only for small palettes.
    return {
      contentType: 'image/gif',
      extension: 'gif',
      kind: head.includes('NETSCAPE2.0', 0, 'latin1') ? 'video' : 'image',
    };
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (brand === 'avif' || brand === 'avis') return { contentType: 'image/avif', extension: 'avif', kind: 'image' };
    return { contentType: 'video/mp4', extension: 'mp4', kind: 'video' };
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3 && head.includes('webm', 0, 'latin1'))
    return { contentType: 'video/webm', extension: 'webm', kind: 'video' };
  if (ascii(head, 0, 4) === 'fLaC') return { contentType: 'audio/flac', extension: 'flac', kind: 'audio' };
  if (ascii(head, 0, 4) === 'OggS') return { contentType: 'audio/ogg', extension: 'ogg', kind: 'audio' };
  if (ascii(head, 0, 3) === 'ID3' || (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe6) === 0xe2))
    return { contentType: 'audio/mpeg', extension: 'mp3', kind: 'audio' };
  if (ascii(head, 0, 4) === 'glTF') return { contentType: 'model/gltf-binary', extension: 'glb', kind: 'model' };
  return OPAQUE;
}

/** Width and height read from the head of a PNG, WebP (its canvas) or GIF (its screen); null otherwise. */
export function dimensionsOf(head: Buffer, contentType: string): { width: number; height: number } | null {
  if (contentType === 'image/png' && head.length >= 24 && ascii(head, 12, 16) === 'IHDR')
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  if (contentType === 'image/gif' && head.length >= 10)
    return { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
  if (contentType === 'image/webp' && head.length >= 30) {
    const chunk = ascii(head, 12, 16);
    if (chunk === 'VP8X') return { width: head.readUIntLE(24, 3) + 1, height: head.readUIntLE(27, 3) + 1 };
    if (chunk === 'VP8L' && head[20] === 0x2f) {
      const bits = head.readUInt32LE(21);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8 ') return { width: head.readUInt16LE(26) & 0x3fff, height: head.readUInt16LE(28) & 0x3fff };
  }
  return null;
}

/** How a stored content type is served: inline only from the allow-list, else an opaque attachment. */
export function servedAs(contentType: string): { contentType: string; disposition: 'inline' | 'attachment' } {
  return INLINE_TYPES.has(contentType)
    ? { contentType, disposition: 'inline' }
    : { contentType: OPAQUE.contentType, disposition: 'attachment' };
}

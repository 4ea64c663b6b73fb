import { createHash, randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readPngInfo } from '../util/png.js';
import { writeFileAtomic } from './atomic-write.js';

export const UploadRecord = z.object({
  upload_id: z.string().describe('Id to use in identity_reference'),
  content_type: z.enum(['image/png', 'image/jpeg', 'image/webp']).describe('Type recognised from the bytes'),
  size_bytes: z.number().int().describe('Size in bytes'),
  sha256: z.string().describe('SHA-256 of the bytes'),
  width: z.number().int().nullable().describe('Width (PNG only), else null'),
  height: z.number().int().nullable().describe('Height (PNG only), else null'),
  created_at: z.string().describe('Upload time (ISO 8601)'),
});
export type UploadRecord = z.infer<typeof UploadRecord>;

const EXT: Record<UploadRecord['content_type'], string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The image type by its magic bytes; the client's declared type and file name are not trusted. */
export function sniffImage(bytes: Buffer): UploadRecord['content_type'] | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** uploads/{upload_id}/image.{ext} + meta.json. Clients refer to uploads by id only, never by path. */
export class UploadStore {
  constructor(readonly root: string) {}

  async save(bytes: Buffer, contentType: UploadRecord['content_type']): Promise<UploadRecord> {
    const id = randomUUID();
    const dir = path.join(this.root, id);
    await fsp.mkdir(dir, { recursive: true });
    const info = contentType === 'image/png' ? readPngInfo(bytes) : null;
    const record: UploadRecord = {
      upload_id: id, content_type: contentType, size_bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      width: info?.width ?? null, height: info?.height ?? null, created_at: new Date().toISOString(),
    };
    await writeFileAtomic(path.join(dir, `image.${EXT[contentType]}`), bytes);
    await writeFileAtomic(path.join(dir, 'meta.json'), JSON.stringify(record));
    return record;
  }

  async get(uploadId: string): Promise<{ record: UploadRecord; bytes: Buffer } | null> {
    if (!UUID.test(uploadId)) return null;
    try {
      const record = UploadRecord.parse(JSON.parse(await fsp.readFile(path.join(this.root, uploadId, 'meta.json'), 'utf8')));
      const bytes = await fsp.readFile(path.join(this.root, uploadId, `image.${EXT[record.content_type]}`));
      return { record, bytes };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  static extension(contentType: UploadRecord['content_type']): string {
    return EXT[contentType];
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';

export const UploadRecord = z.object({
  upload_id: z.string().describe('Id to use in identity_reference'),
  content_type: z.enum(['image/png', 'image/jpeg', 'image/webp']).describe('Type recognised from the bytes'),
  size_bytes: z.number().int().describe('Size in bytes'),
  sha256: z.string().describe('SHA-256 of the bytes'),
  width: z.number().int().nullable().describe('Width in pixels, read from the image'),
  height: z.number().int().nullable().describe('Height in pixels, read from the image'),
  created_at: z.string().describe('Upload time (ISO 8601)'),
});
export type UploadRecord = z.infer<typeof UploadRecord>;

const EXT: Record<UploadRecord['content_type'], string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** uploads/{upload_id}/image.{ext} + meta.json. Clients refer to uploads by id only, never by path. */
export class UploadStore {
  constructor(readonly root: string) {}

  /** Store a checked image; a failure part-way (a full disk) leaves nothing behind. */
  async save(
    bytes: Buffer,
    image: { type: UploadRecord['content_type']; width: number; height: number },
  ): Promise<UploadRecord> {
    const id = randomUUID();
    const dir = path.join(this.root, id);
    const contentType = image.type;
    const record: UploadRecord = {
      upload_id: id,
      content_type: contentType,
      size_bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      width: image.width,
      height: image.height,
      created_at: new Date().toISOString(),
    };
    try {
      await fsp.mkdir(dir, { recursive: true });
      await writeFileAtomic(path.join(dir, `image.${EXT[contentType]}`), bytes);
      // meta.json last: an upload exists (get() finds it) only once both files are in place.
      await writeFileAtomic(path.join(dir, 'meta.json'), JSON.stringify(record));
    } catch (err) {
      await fsp.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
    return record;
  }

  async get(uploadId: string): Promise<{ record: UploadRecord; bytes: Buffer } | null> {
    if (!UUID.test(uploadId)) return null;
    try {
      const record = UploadRecord.parse(
        JSON.parse(await fsp.readFile(path.join(this.root, uploadId, 'meta.json'), 'utf8')),
      );
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

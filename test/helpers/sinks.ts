import { Writable } from 'node:stream';

export class BufferSink extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(chunk);
    done();
  }
  get buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

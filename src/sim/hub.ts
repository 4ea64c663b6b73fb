import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { SimFaults } from './faults.js';
import { garbageFrames } from './hostile.js';

/**
 * WebSocket clients of the simulator, keyed by clientId, with ComfyUI's routing rules (§2.4):
 * a message for a client goes to the socket currently registered under that id; a reconnect
 * replaces the entry without closing the old socket; and (a real server bug, reproduced so clients
 * are tested against it) when an old socket closes, its cleanup removes the *new* registration.
 */
export class ClientHub {
  private readonly sockets = new Map<string, WebSocket>();
  private readonly sentCount = new WeakMap<WebSocket, number>();
  private readonly all = new Set<WebSocket>();
  /** Feature flags announced by each socket (only supports_preview_metadata matters here). */
  readonly previewMetadata = new WeakSet<WebSocket>();

  constructor(private readonly faults: () => SimFaults) {}

  register(ws: WebSocket, requestedId: string | null): string {
    const sid = requestedId && requestedId.length > 0 ? requestedId : randomUUID().replace(/-/g, '');
    this.sockets.set(sid, ws);
    this.all.add(ws);
    ws.on('close', () => {
      this.all.delete(ws);
      this.sockets.delete(sid); // faithful to the bug: deletes even if a newer socket took the id
    });
    return sid;
  }

  has(clientId: string): boolean {
    return this.sockets.has(clientId);
  }

  /** Send to one client, or to everyone when target is null. */
  send(type: string, data: unknown, target: string | null): void {
    const text = JSON.stringify({ type, data });
    if (target === null) for (const ws of this.all) this.write(ws, text);
    else {
      const ws = this.sockets.get(target);
      if (ws) this.write(ws, text);
    }
  }

  sendDirect(ws: WebSocket, type: string, data: unknown): void {
    this.write(ws, JSON.stringify({ type, data }));
  }

  sendBinary(frame: (ws: WebSocket) => Buffer, target: string | null): void {
    const targets =
      target === null ? [...this.all] : [this.sockets.get(target)].filter((w): w is WebSocket => Boolean(w));
    for (const ws of targets) this.write(ws, frame(ws));
  }

  private write(ws: WebSocket, payload: string | Buffer): void {
    const faults = this.faults();
    if (faults.silentSocket || ws.readyState !== ws.OPEN) return;
    const count = (this.sentCount.get(ws) ?? 0) + 1;
    this.sentCount.set(ws, count);
    if (faults.hostileSocket === 'garbage') for (const frame of garbageFrames(String(payload))) ws.send(frame);
    ws.send(payload);
    if (faults.dropSocketAfterMessages !== null && count >= faults.dropSocketAfterMessages) ws.terminate();
  }

  closeAll(): void {
    for (const ws of this.all) ws.terminate();
    this.all.clear();
    this.sockets.clear();
  }
}

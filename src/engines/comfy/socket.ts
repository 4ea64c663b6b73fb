import WebSocket from 'ws';
import { backoffMs } from '../../util/retry.js';
import { parseComfyMessage, promptIdOf, type ComfyMessage } from './messages.js';
import { socketText } from '../../util/text-of.js';

export interface ComfySocketOptions {
  /** http(s) URL of ComfyUI; the socket URL is derived from it. */
  baseUrl: string;
  clientId: string;
  heartbeatMs?: number;
  openTimeoutMs?: number;
  /** The largest message accepted; a bigger one closes the socket (1009) and it reconnects. */
  maxPayloadBytes?: number;
  onLog?: (level: 'debug' | 'warn', msg: string, extra?: Record<string, unknown>) => void;
}

type Listener = (message: ComfyMessage) => void;

/**
 * The adapter's single WebSocket to ComfyUI under a stable clientId: opened lazily, kept alive
 * with protocol pings, reconnected with jittered backoff while anyone listens. Messages are routed
 * to listeners by prompt_id; other clients' prompts, binary frames, unknown types and malformed
 * JSON are dropped here so they can never disturb a job.
 */
export class ComfySocket {
  private ws: WebSocket | null = null;
  private opening: Promise<boolean> | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly reconnectListeners = new Set<() => void>();
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private attempts = 0;
  private closed = false;
  private awaitingPong = false;
  readonly url: string;

  constructor(private readonly options: ComfySocketOptions) {
    const u = new URL(options.baseUrl);
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    u.pathname = `${u.pathname.replace(/\/+$/, '')}/ws`;
    u.search = `?clientId=${encodeURIComponent(options.clientId)}`;
    this.url = u.toString();
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /**
   * Open (or reuse) the socket; resolves false instead of throwing so callers fall back to polling.
   * With `waitMs`, resolves false after that long while the connection attempt goes on.
   */
  ensureOpen(waitMs?: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.isOpen) return Promise.resolve(true);
    this.opening ??= this.connect().finally(() => {
      this.opening = null;
    });
    if (waitMs === undefined) return this.opening;
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.opening,
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), waitMs);
        timer.unref();
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Listen to messages of one prompt. Returns the unsubscribe function. */
  subscribe(promptId: string, listener: Listener): () => void {
    let set = this.listeners.get(promptId);
    if (!set) this.listeners.set(promptId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(promptId);
    };
  }

  /** Called after every reconnect: past events are not replayed, so trackers re-read /history. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  listenerCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n + this.reconnectListeners.size;
  }

  private connect(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      // Close a previous socket first: ComfyUI's cleanup of an old socket with the same clientId
      // would otherwise unregister the new one (§2.1 caveat).
      this.dropSocket();
      // ComfyUI's messages are small JSON events and preview frames of tens of kilobytes: the ws
      // default of 100 MiB per message would let a broken server make us buffer that much.
      const ws = new WebSocket(this.url, {
        handshakeTimeout: this.options.openTimeoutMs ?? 3000,
        perMessageDeflate: false,
        maxPayload: this.options.maxPayloadBytes ?? 4 * 1024 * 1024,
      });
      this.ws = ws;
      let settled = false;
      const settle = (ok: boolean) => {
        if (!settled) {
          settled = true;
          resolve(ok);
        }
      };
      ws.on('open', () => {
        const reconnected = this.attempts > 0;
        this.attempts = 0;
        this.startHeartbeat(ws);
        settle(true);
        if (reconnected)
          for (const l of this.reconnectListeners) {
            try {
              l();
            } catch {
              /* a listener's own bug never reaches ws */
            }
          }
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return; // previews and text frames carry nothing a job needs
        const message = parseComfyMessage(socketText(data));
        if (!message) return;
        const promptId = promptIdOf(message);
        if (!promptId) return;
        const set = this.listeners.get(promptId);
        if (!set) return;
        for (const l of [...set]) {
          // A listener choking on a hostile message must not become an uncaught exception in ws.
          try {
            l(message);
          } catch (err) {
            this.options.onLog?.('warn', 'comfy socket listener failed on a message', {
              type: message.type.slice(0, 64),
              error: err instanceof Error ? err.message.slice(0, 200) : 'unknown',
            });
          }
        }
      });
      ws.on('pong', () => {
        this.awaitingPong = false;
      });
      ws.on('error', (err) => {
        this.options.onLog?.('debug', 'comfy socket error', { code: (err as NodeJS.ErrnoException).code });
      });
      ws.on('close', () => {
        settle(false);
        if (this.ws !== ws) return;
        this.stopHeartbeat();
        this.ws = null;
        this.scheduleReconnect();
      });
    });
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer || this.listenerCount() === 0) return;
    const delay = backoffMs(this.attempts + 1, { attempts: Infinity, baseMs: 250, maxDelayMs: 10_000 });
    this.attempts++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.ensureOpen();
    }, delay);
    this.reconnectTimer.unref();
  }

  private startHeartbeat(ws: WebSocket): void {
    this.stopHeartbeat();
    this.awaitingPong = false;
    this.heartbeat = setInterval(() => {
      if (this.awaitingPong) {
        this.options.onLog?.('warn', 'comfy socket missed a pong; reconnecting');
        ws.terminate();
        return;
      }
      this.awaitingPong = true;
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }, this.options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private dropSocket(): void {
    const old = this.ws;
    this.ws = null;
    this.stopHeartbeat();
    if (old) {
      old.removeAllListeners('message');
      old.terminate();
    }
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.dropSocket();
    this.listeners.clear();
    this.reconnectListeners.clear();
  }
}

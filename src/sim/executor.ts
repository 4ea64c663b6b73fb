// The simulator's execution: one job, like ComfyUI's execution.py (over 500 lines; see the header of SimExecutor).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promises as fsp, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, decodePng, encodePng, type RawImage } from '../util/png.js';
import { NODE_IMPLS, NodeExecutionError, type FileRef, type NodeContext, type SimValue } from './nodes.js';
import type { ClientHub } from './hub.js';
import type { SimFaults } from './faults.js';
import type { PromptGraph } from './validate.js';
import { seedFrom, solid } from './render.js';

export interface QueueItem {
  number: number;
  promptId: string;
  prompt: PromptGraph;
  extraData: Record<string, unknown>;
  outputs: string[];
}

export interface HistoryEntry {
  prompt: [number, string, PromptGraph, Record<string, unknown>, string[]];
  outputs: Record<string, Record<string, unknown>>;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, Record<string, unknown>][] };
  meta: Record<string, { node_id: string; display_node: string; parent_node: null; real_node_id: string }>;
}

export interface SimDirs {
  output: string;
  input: string;
  temp: string;
}

class Interrupted extends Error {}

const HISTORY_LIMIT = 10_000;
const SENSITIVE_EXTRA = ['auth_token_comfy_org', 'api_key_comfy_org'];

/**
 * The single worker of the simulated ComfyUI: a priority queue run one prompt at a time, with the
 * message order, routing, caching and history of protocol §2.5/§3.
 *
 * One job in one file (about 560 lines once formatted), as ComfyUI's own execution.py is: queue, run, cache and
 * history are one state machine whose message order is the point; node behaviour is in nodes.ts and
 * render.ts, validation in validate.ts.
 */
export class SimExecutor {
  private pending: QueueItem[] = [];
  running: QueueItem | null = null;
  currentNode: string | null = null;
  readonly history = new Map<string, HistoryEntry>();
  /** Classic cache: node signature → outputs, kept from the previous prompt only. */
  private cache = new Map<string, { outputs: SimValue[]; ui?: Record<string, unknown> }>();
  private counter = 0;
  private interruptFlag = false;
  private interruptWaiters: (() => void)[] = [];

  /** A prompt is held by the hangExecution fault (tests wait for this before pulling a plug). */
  get hanging(): boolean {
    return this.interruptWaiters.length > 0;
  }
  private working = false;
  private generation = 0;
  /** Every prompt id ever executed (to detect duplicate runs in tests). */
  readonly executedPromptIds: string[] = [];

  constructor(
    private readonly dirs: SimDirs,
    private readonly hub: ClientHub,
    private readonly faults: () => SimFaults,
    private readonly hasModel: (folder: string, name: string) => boolean,
  ) {}

  queueRemaining(): number {
    return this.pending.length + (this.running ? 1 : 0);
  }

  queueSnapshot() {
    const strip = (q: QueueItem) => [q.number, q.promptId, q.prompt, stripSecrets(q.extraData), q.outputs];
    return { queue_running: this.running ? [strip(this.running)] : [], queue_pending: this.pending.map(strip) };
  }

  isKnown(promptId: string): boolean {
    return (
      this.history.has(promptId) ||
      this.running?.promptId === promptId ||
      this.pending.some((p) => p.promptId === promptId)
    );
  }

  enqueue(item: Omit<QueueItem, 'number'> & { number?: number; front?: boolean }): number {
    const number = item.number ?? (item.front ? -this.counter++ : this.counter++);
    this.pending.push({
      number,
      promptId: item.promptId,
      prompt: item.prompt,
      extraData: item.extraData,
      outputs: item.outputs,
    });
    this.pending.sort((a, b) => a.number - b.number);
    this.broadcastStatus();
    void this.work();
    return number;
  }

  deletePending(ids: string[]): void {
    const before = this.pending.length;
    this.pending = this.pending.filter((p) => !ids.includes(p.promptId));
    if (this.pending.length !== before) this.broadcastStatus();
  }

  clearPending(): void {
    this.pending = [];
    this.broadcastStatus();
  }

  interrupt(promptId?: string): void {
    if (promptId !== undefined && this.running?.promptId !== promptId) return;
    if (!this.running) return; // the flag is reset at the start of every prompt anyway
    this.interruptFlag = true;
    for (const wake of this.interruptWaiters.splice(0)) wake();
  }

  /** POST /free asked to unload models and free memory: done after the current prompt (now when idle). */
  private freePending = false;
  /** How many times memory was freed (tests check /free was honoured). */
  freedCount = 0;

  requestFree(): void {
    this.freePending = true;
    if (this.currentNode === null) this.applyFree();
  }

  private applyFree(): void {
    if (!this.freePending) return;
    this.freePending = false;
    this.cache.clear();
    this.freedCount++;
  }

  /** Simulated process restart: the queue, history and cache are gone; files on disk stay. */
  restart(): void {
    this.generation++;
    this.pending = [];
    this.history.clear();
    this.cache.clear();
    this.counter = 0;
    this.interruptFlag = true;
    for (const wake of this.interruptWaiters.splice(0)) wake();
    this.running = null;
    this.currentNode = null;
  }

  private broadcastStatus(): void {
    this.hub.send('status', { status: { exec_info: { queue_remaining: this.queueRemaining() } } }, null);
  }

  /** The server is closing: stop the run, write nothing more, and resolve once the loop is out. */
  async close(): Promise<void> {
    this.closed = true;
    this.restart();
    await this.loop;
  }

  private closed = false;
  private loop: Promise<void> = Promise.resolve();

  private work(): Promise<void> {
    if (this.working) return this.loop;
    this.loop = this.workLoop();
    return this.loop;
  }

  private async workLoop(): Promise<void> {
    this.working = true;
    try {
      while (this.pending.length > 0) {
        const item = this.pending.shift()!;
        this.running = item;
        this.broadcastStatus();
        await this.execute(item, this.generation);
      }
    } finally {
      this.working = false;
    }
  }

  private async execute(item: QueueItem, generation: number): Promise<void> {
    const client = typeof item.extraData.client_id === 'string' ? item.extraData.client_id : null;
    const messages: [string, Record<string, unknown>][] = [];
    // Targeted messages go to the prompt's client only, and are not sent at all without one;
    // they are always recorded in history.
    const targeted = (type: string, data: Record<string, unknown>, record = true) => {
      if (record) messages.push([type, data]);
      if (client !== null) this.hub.send(type, data, client);
    };
    const now = () => Date.now();
    this.interruptFlag = false;
    this.executedPromptIds.push(item.promptId);
    const order = topoOrder(item.prompt, item.outputs);
    const sigs = signatures(item.prompt, order, (name) => this.inputFileHash(name));
    const cachedIds = order.filter((id) => this.cache.has(sigs.get(id)!));
    const nodeStates: Record<string, Record<string, unknown>> = {};
    const progressState = (id: string, value: number, max: number, state: string) => {
      nodeStates[id] = {
        value,
        max,
        state,
        node_id: id,
        prompt_id: item.promptId,
        display_node_id: id,
        parent_node_id: null,
        real_node_id: id,
      };
      this.hub.send('progress_state', { prompt_id: item.promptId, nodes: { ...nodeStates } }, null);
    };

    targeted('execution_start', { prompt_id: item.promptId, timestamp: now() });
    targeted('execution_cached', { nodes: cachedIds, prompt_id: item.promptId, timestamp: now() });
    for (const id of cachedIds)
      nodeStates[id] = {
        value: 1,
        max: 1,
        state: 'finished',
        node_id: id,
        prompt_id: item.promptId,
        display_node_id: id,
        parent_node_id: null,
        real_node_id: id,
      };
    if (cachedIds.length) this.hub.send('progress_state', { prompt_id: item.promptId, nodes: { ...nodeStates } }, null);

    const values = new Map<string, SimValue[]>();
    const ui: Record<string, Record<string, unknown>> = {};
    const newCache = new Map<string, { outputs: SimValue[]; ui?: Record<string, unknown> }>();
    const executed: string[] = [];
    let outcome: 'success' | 'error' | 'interrupted' = 'success';
    let failure: Record<string, unknown> = {};

    try {
      for (const id of order) {
        if (generation !== this.generation) throw new Interrupted();
        const node = item.prompt[id]!;
        const sig = sigs.get(id)!;
        const hit = this.cache.get(sig);
        if (hit) {
          values.set(id, hit.outputs);
          newCache.set(sig, hit);
          if (hit.ui && item.outputs.includes(id)) {
            ui[id] = hit.ui;
            targeted('executed', { node: id, display_node: id, output: hit.ui, prompt_id: item.promptId }, false);
          }
          continue;
        }
        if (this.interruptFlag) throw new Interrupted();
        this.currentNode = id;
        progressState(id, 0, 1, 'running');
        targeted('executing', { node: id, display_node: id, prompt_id: item.promptId }, false);
        const inputs = resolveInputs(node.inputs ?? {}, values);
        const classType = String(node.class_type);
        try {
          if (this.faults().failNodeClasses.includes(classType)) {
            // Like many real node exceptions, the message echoes the node's literal inputs.
            const literals = Object.fromEntries(Object.entries(node.inputs ?? {}).filter(([, v]) => !isLink(v)));
            throw new NodeExecutionError(
              'RuntimeError',
              `Simulated failure in ${classType} with inputs ${JSON.stringify(literals)}`,
            );
          }
          const gpu = this.faults().gpuFaults[classType];
          if (gpu && gpu.times !== 0) {
            if (gpu.times > 0) gpu.times--;
            throw gpu.kind === 'oom'
              ? new NodeExecutionError(
                  'torch.OutOfMemoryError',
                  'Allocation on device \nThis error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.',
                )
              : new NodeExecutionError(
                  'RuntimeError',
                  'CUDA error: an illegal memory access was encountered\nCUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.',
                );
          }
          const result = await NODE_IMPLS[classType]!(inputs, this.nodeContext(id, item, client, generation));
          values.set(id, result.outputs);
          newCache.set(sig, result);
          if (result.ui) {
            ui[id] = result.ui;
            targeted('executed', { node: id, display_node: id, output: result.ui, prompt_id: item.promptId }, false);
          }
          executed.push(id);
          progressState(id, 1, 1, 'finished');
        } catch (err) {
          if (err instanceof Interrupted) throw err;
          const e =
            err instanceof NodeExecutionError
              ? err
              : new NodeExecutionError('Exception', err instanceof Error ? err.message : String(err));
          outcome = 'error';
          failure = {
            prompt_id: item.promptId,
            node_id: id,
            node_type: classType,
            executed: [...executed],
            exception_message: e.message,
            exception_type: e.exceptionType,
            traceback: [
              `  File "execution.py", line 496, in execute\n    output_data = get_output_data(...)\n`,
              `${e.exceptionType}: ${e.message}\n`,
            ],
            current_inputs: Object.fromEntries(
              Object.entries(node.inputs ?? {}).map(([k, v]) => [k, [Array.isArray(v) ? '<linked>' : String(v)]]),
            ),
            current_outputs: cachedIds,
            timestamp: now(),
          };
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err;
      outcome = 'interrupted';
      failure = {
        prompt_id: item.promptId,
        node_id: this.currentNode,
        node_type: this.currentNode ? item.prompt[this.currentNode]?.class_type : null,
        executed: [...executed],
        timestamp: now(),
      };
    }
    this.currentNode = null;
    if (generation !== this.generation) return; // "process restarted": nothing more is sent or stored

    if (outcome === 'success') this.cache = newCache;
    this.applyFree();
    if (outcome === 'success') {
      targeted('execution_success', { prompt_id: item.promptId, timestamp: now() });
    } else if (outcome === 'error') {
      targeted('execution_error', failure);
    } else {
      messages.push(['execution_interrupted', failure]);
      this.hub.send('execution_interrupted', failure, client); // broadcast when there is no client
    }
    this.writeHistory(item, ui, outcome === 'success', messages);
    this.running = null;
    this.broadcastStatus();
    if (client !== null) this.hub.send('executing', { node: null, prompt_id: item.promptId }, client);
  }

  private writeHistory(
    item: QueueItem,
    outputs: HistoryEntry['outputs'],
    success: boolean,
    messages: HistoryEntry['status']['messages'],
  ): void {
    this.history.set(item.promptId, {
      prompt: [item.number, item.promptId, item.prompt, stripSecrets(item.extraData), item.outputs],
      outputs,
      status: { status_str: success ? 'success' : 'error', completed: success, messages },
      meta: Object.fromEntries(
        Object.keys(outputs).map((id) => [id, { node_id: id, display_node: id, parent_node: null, real_node_id: id }]),
      ),
    });
    while (this.history.size > HISTORY_LIMIT) this.history.delete(this.history.keys().next().value!);
  }

  private nodeContext(nodeId: string, item: QueueItem, client: string | null, generation: number): NodeContext {
    return {
      nodeId,
      step: async (value, max) => {
        const faults = this.faults();
        if (faults.hangExecution) await new Promise<void>((resolve) => this.interruptWaiters.push(resolve));
        if (this.interruptFlag || generation !== this.generation) throw new Interrupted();
        if (faults.stepMs > 0) await new Promise((r) => setTimeout(r, faults.stepMs));
        else if (value % 8 === 0) await new Promise((r) => setImmediate(r));
        if (this.interruptFlag || generation !== this.generation) throw new Interrupted();
        this.hub.send('progress', { value, max, prompt_id: item.promptId, node: nodeId }, client);
        this.hub.send(
          'progress_state',
          {
            prompt_id: item.promptId,
            nodes: {
              [nodeId]: {
                value,
                max,
                state: 'running',
                node_id: nodeId,
                prompt_id: item.promptId,
                display_node_id: nodeId,
                parent_node_id: null,
                real_node_id: nodeId,
              },
            },
          },
          null,
        );
        if (faults.previews) this.sendPreview(item.promptId, nodeId, client);
      },
      saveImages: (prefix, images, type) => this.saveImages(prefix, images, type, item),
      saveFiles: (prefix, extension, contents, type) => this.saveFiles(prefix, extension, contents, type),
      loadInputImage: (name) => this.loadInputImage(name),
      hasModel: this.hasModel,
    };
  }

  private sendPreview(promptId: string, nodeId: string, client: string | null): void {
    const png = encodePng(solid(8, 8, 0x808080), {}, 1);
    this.hub.sendBinary((ws) => {
      if (this.hub.previewMetadata.has(ws)) {
        const meta = Buffer.from(
          JSON.stringify({
            node_id: nodeId,
            prompt_id: promptId,
            display_node_id: nodeId,
            parent_node_id: null,
            real_node_id: nodeId,
            image_type: 'image/png',
          }),
        );
        const head = Buffer.alloc(8);
        head.writeUInt32BE(4, 0);
        head.writeUInt32BE(meta.length, 4);
        return Buffer.concat([head, meta, png]);
      }
      const head = Buffer.alloc(8);
      head.writeUInt32BE(1, 0);
      head.writeUInt32BE(2, 4);
      return Buffer.concat([head, png]);
    }, client);
  }

  private async saveImages(
    prefix: string,
    images: RawImage[],
    type: 'output' | 'temp',
    item: QueueItem,
  ): Promise<FileRef[]> {
    const expanded = prefix
      .replace(/%width%/g, String(images[0]?.width ?? 0))
      .replace(/%height%/g, String(images[0]?.height ?? 0));
    const pad = this.faults().padOutputBytes;
    return this.saveFiles(
      expanded,
      'png',
      images.map((image) => {
        const png = encodePng(image, { prompt: JSON.stringify(item.prompt) }, type === 'output' ? 4 : 1);
        return pad && type === 'output' && png.length < pad ? padPng(png, pad - png.length) : png;
      }),
      type,
    );
  }

  /**
   * Write files the way ComfyUI's savers name them: "<prefix base>_<5-digit counter>_.<ext>" in the
   * prefix's subfolder, the counter one past the highest already there, one per batch item.
   */
  private async saveFiles(
    prefix: string,
    extension: string,
    contents: Buffer[],
    type: 'output' | 'temp',
  ): Promise<FileRef[]> {
    const root = type === 'output' ? this.dirs.output : this.dirs.temp;
    const subfolder = path.posix.dirname(prefix) === '.' ? '' : path.posix.dirname(prefix);
    const base = path.posix.basename(prefix);
    const folder = path.resolve(root, subfolder);
    if (folder !== root && !folder.startsWith(root + path.sep)) {
      throw new NodeExecutionError(
        'Exception',
        `**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: ${folder}`,
      );
    }
    if (this.closed) throw new NodeExecutionError('Exception', 'the server is shutting down');
    await fsp.mkdir(folder, { recursive: true });
    let counter = nextCounter(folder, base);
    const files: FileRef[] = [];
    for (const [b, bytes] of contents.entries()) {
      const name = `${base.replace(/%batch_num%/g, String(b))}_${String(counter++).padStart(5, '0')}_.${extension}`;
      await fsp.writeFile(path.join(folder, name), bytes);
      files.push({ filename: name, subfolder, type });
    }
    return files;
  }

  private async loadInputImage(name: string): Promise<RawImage> {
    const bytes = await fsp.readFile(resolveAnnotated(name, this.dirs));
    try {
      return decodePng(bytes);
    } catch {
      // JPEG/WebP are not decoded by the simulator: stand in a colour derived from the bytes.
      return solid(64, 64, seedFrom(createHash('sha256').update(bytes).digest('hex')) & 0xffffff);
    }
  }

  private inputFileHash(name: string): string {
    try {
      return createHash('sha256')
        .update(readFileSync(resolveAnnotated(name, this.dirs)))
        .digest('hex');
    } catch {
      return randomUUID();
    }
  }
}

/** Insert a private ancillary chunk ("bnCh") before IEND so the file grows but stays a valid PNG. */
function padPng(png: Buffer, extra: number): Buffer {
  const size = Math.max(0, extra - 12);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(size, 0);
  head.write('bnCh', 4, 'ascii');
  const body = randomBytes(size);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  const iend = png.subarray(png.length - 12);
  return Buffer.concat([png.subarray(0, png.length - 12), head, body, crc, iend]);
}

export function resolveAnnotated(name: string, dirs: SimDirs): string {
  const m = /^(.*) \[(output|input|temp)\]$/.exec(name);
  const dir = m ? dirs[m[2] as keyof SimDirs] : dirs.input;
  return path.resolve(dir, m ? m[1]! : name);
}

function stripSecrets(extra: Record<string, unknown>): Record<string, unknown> {
  const out = { ...extra };
  for (const key of SENSITIVE_EXTRA) delete out[key];
  return out;
}

function nextCounter(folder: string, base: string): number {
  let max = 0;
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_(\\d+)`);
  for (const f of readdirSync(folder)) {
    const m = pattern.exec(f);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

/** Nodes upstream of the outputs, dependencies first. */
function topoOrder(prompt: PromptGraph, outputs: string[]): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const v of Object.values(prompt[id]?.inputs ?? {})) if (isLink(v)) visit(v[0]);
    order.push(id);
  };
  for (const out of outputs) visit(out);
  return order;
}

function isLink(v: unknown): v is [string, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';
}

/** Input signature per node: class, literals, upstream signatures, LoadImage file hash. */
function signatures(prompt: PromptGraph, order: string[], fileHash: (name: string) => string): Map<string, string> {
  const sigs = new Map<string, string>();
  for (const id of order) {
    const node = prompt[id]!;
    const parts: unknown[] = [node.class_type];
    for (const [k, v] of Object.entries(node.inputs ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
      parts.push(k, isLink(v) ? ['link', sigs.get(v[0]), v[1]] : v);
    }
    if (node.class_type === 'LoadImage') parts.push(fileHash(String(node.inputs?.image)));
    sigs.set(id, createHash('sha256').update(JSON.stringify(parts)).digest('hex'));
  }
  return sigs;
}

function resolveInputs(inputs: Record<string, unknown>, values: Map<string, SimValue[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (isLink(v)) out[k] = values.get(v[0])?.[v[1]];
    else if (v && typeof v === 'object' && '__value__' in v) out[k] = v.__value__;
    else out[k] = v;
  }
  return out;
}

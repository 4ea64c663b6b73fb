// The simulator's HTTP + WebSocket server: one job, its route table (over 500 lines; see the header of startComfySimulator).
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, promises as fsp, readdirSync, statSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { AddressInfo, Socket } from 'node:net';
import { Busboy } from '@fastify/busboy';
import { WebSocketServer } from 'ws';
import { DEFAULT_MODELS, NODE_SPECS, NODE_SPEC_BY_NAME, PACK_FOLDERS, objectInfoEntry } from './catalogue.js';
import { faultsWith, type SimFaults } from './faults.js';
import { hostileAnswerFor, writeHostile } from './hostile.js';
import { ClientHub } from './hub.js';
import { SimExecutor, type SimDirs } from './executor.js';
import { validatePrompt, validatePromptId, type PromptGraph } from './validate.js';
import { socketText } from '../util/text-of.js';

export interface SimOptions {
  port?: number;
  host?: string;
  /** ComfyUI base directory (output/, input/, temp/). A fresh temp dir when omitted. */
  baseDir?: string;
  faults?: Partial<SimFaults>;
  /** Extra model files per folder, added to the defaults. */
  models?: Record<string, string[]>;
  maxUploadBytes?: number;
}

export interface ComfySimulator {
  url: string;
  port: number;
  dirs: SimDirs;
  faults: SimFaults;
  setFaults(patch: Partial<SimFaults>): void;
  /** Back to the options the simulator was started with. */
  resetFaults(): void;
  /** Every POST /prompt body accepted, in order (tests inspect the graphs). */
  received: { prompt_id: string; prompt: PromptGraph; client_id: string | null }[];
  /** Requests per "METHOD /path" (no query), as received, faults included (tests count fetches). */
  requestCounts: Map<string, number>;
  /** The most requests per "METHOD /path" that were open at the same time. */
  peakInFlight: Map<string, number>;
  executor: SimExecutor;
  /** Simulate a ComfyUI process restart: queue and history are lost, sockets drop. */
  restart(): void;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.json': 'application/json',
  '.txt': 'text/plain',
};
const DANGEROUS = new Set(['.html', '.htm', '.js', '.mjs', '.svg', '.xml', '.xhtml']);

/**
 * The simulated ComfyUI server: its HTTP routes and WebSocket upgrade, as ComfyUI's server.py has
 * them. One job (about 630 lines once formatted): the route table with its guards and fault switches. Execution is
 * in executor.ts, validation in validate.ts, hostile answers in hostile.ts, the node catalogue in
 * catalogue.ts.
 */
export async function startComfySimulator(options: SimOptions = {}): Promise<ComfySimulator> {
  // A folder the simulator made for itself is removed when it closes (images, uploads, temp files).
  const ownsBaseDir = !options.baseDir;
  const baseDir = options.baseDir ?? mkdtempSync(path.join(os.tmpdir(), 'comfy-sim-'));
  const dirs: SimDirs = {
    output: path.join(baseDir, 'output'),
    input: path.join(baseDir, 'input'),
    temp: path.join(baseDir, 'temp'),
  };
  for (const d of [dirs.output, dirs.input, dirs.temp]) await fsp.mkdir(d, { recursive: true });
  const faults: SimFaults = faultsWith(options.faults);
  const maxUpload = options.maxUploadBytes ?? 100 * 1024 * 1024;
  const extraModels = options.models ?? {};
  const received: ComfySimulator['received'] = [];
  const requestCounts: ComfySimulator['requestCounts'] = new Map();
  const peakInFlight: ComfySimulator['peakInFlight'] = new Map();
  const inFlight = new Map<string, number>();

  const models = (): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    for (const [folder, list] of Object.entries({ ...DEFAULT_MODELS, ...extraModels })) {
      const pack = PACK_FOLDERS[folder];
      if (pack && !faults.packs.includes(pack)) continue;
      out[folder] = [...new Set([...(DEFAULT_MODELS[folder] ?? []), ...(extraModels[folder] ?? []), ...list])].filter(
        (m) => !faults.missingModels.includes(m),
      );
    }
    out.input = listInputs(dirs.input);
    return out;
  };
  const specFor = (name: string) => {
    const spec = NODE_SPEC_BY_NAME.get(name);
    return spec && (spec.pack === null || faults.packs.includes(spec.pack)) ? spec : undefined;
  };
  const hub = new ClientHub(() => faults);
  const executor = new SimExecutor(
    dirs,
    hub,
    () => faults,
    (folder, name) => (models()[folder] ?? []).includes(name),
  );

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('500 Internal Server Error\n\nServer got itself in trouble');
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': JSON_TYPE });
    res.end(JSON.stringify(body));
  };
  const empty = (res: ServerResponse, status = 200) => {
    res.writeHead(status);
    res.end();
  };
  const readBody = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > maxUpload) throw Object.assign(new Error('too large'), { status: 413 });
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks);
  };
  const readJson = async (req: IncomingMessage): Promise<unknown> => JSON.parse((await readBody(req)).toString('utf8'));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const p = url.pathname.startsWith('/api/') ? url.pathname.slice(4) : url.pathname;
    const method = req.method ?? 'GET';
    const key = `${method} ${p}`;
    requestCounts.set(key, (requestCounts.get(key) ?? 0) + 1);
    inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
    peakInFlight.set(key, Math.max(peakInFlight.get(key) ?? 0, inFlight.get(key)!));
    res.once('close', () => inFlight.set(key, inFlight.get(key)! - 1));

    // Origin guard (loopback Host + foreign Origin → 403 with an empty body).
    const origin = req.headers.origin;
    if (origin) {
      const host = (req.headers.host ?? '').split(':')[0];
      let originHost = '';
      try {
        originHost = new URL(origin).hostname;
      } catch {
        /* not a URL */
      }
      if (['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host!) && originHost !== host) return empty(res, 403);
    }
    if (faults.hangPaths.includes(p)) return; // never answered
    const hostile = hostileAnswerFor(faults, p);
    if (hostile)
      return writeHostile(req, res, hostile, p, p === '/view' ? () => void serveView(url, req, res, 1) : undefined);
    const remaining500 = faults.http500[p];
    if (remaining500 !== undefined && remaining500 !== 0) {
      if (remaining500 > 0) faults.http500[p] = remaining500 - 1;
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('500 Internal Server Error\n\nServer got itself in trouble');
      return;
    }
    if (faults.malformedPaths.some((m) => (m.endsWith('*') ? p.startsWith(m.slice(0, -1)) : m === p))) {
      res.writeHead(200, { 'content-type': JSON_TYPE });
      res.end('{"prompt_id": "trunc');
      return;
    }

    const route = `${method} ${p}`;
    if (route === 'GET /system_stats') {
      return json(res, 200, {
        system: {
          os: 'linux',
          ram_total: 25769803776,
          ram_free: 20000000000,
          comfyui_version: '0.38.1-sim',
          required_frontend_version: '1.30.0',
          python_version: '3.12.3 (simulated)',
          pytorch_version: '2.8.0+cpu',
          embedded_python: false,
          argv: ['main.py', '--simulated'],
        },
        devices: [
          {
            name: 'sim:0 Simulated GPU',
            type: 'cpu',
            index: 0,
            vram_total: 0,
            vram_free: 0,
            torch_vram_total: 0,
            torch_vram_free: 0,
          },
        ],
      });
    }
    if (method === 'GET' && (p === '/object_info' || p.startsWith('/object_info/'))) {
      const m = models();
      if (p === '/object_info')
        return json(
          res,
          200,
          Object.fromEntries(NODE_SPECS.filter((s) => specFor(s.name)).map((s) => [s.name, objectInfoEntry(s, m)])),
        );
      const name = decodeURIComponent(p.slice('/object_info/'.length));
      const spec = specFor(name);
      return json(res, 200, spec ? { [name]: objectInfoEntry(spec, m) } : {});
    }
    if (route === 'POST /prompt') {
      let body: Record<string, unknown>;
      try {
        body = (await readJson(req)) as Record<string, unknown>;
      } catch {
        throw new Error('bad json');
      }
      if (!body || typeof body !== 'object' || !('prompt' in body)) {
        return json(res, 400, {
          error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} },
          node_errors: {},
        });
      }
      if (faults.strictPromptId) {
        const bad = validatePromptId(body.prompt_id);
        if (bad) return json(res, 400, { error: bad.error, node_errors: {} });
      }
      const promptId = typeof body.prompt_id === 'string' ? body.prompt_id : randomUUID();
      const prompt = body.prompt as PromptGraph;
      if (!prompt || typeof prompt !== 'object' || Array.isArray(prompt)) {
        return json(res, 400, {
          error: {
            type: 'invalid_prompt',
            message: 'Invalid prompt',
            details: 'prompt must be an object',
            extra_info: {},
          },
          node_errors: {},
        });
      }
      const targets = Array.isArray(body.partial_execution_targets)
        ? (body.partial_execution_targets as string[])
        : undefined;
      const result = validatePrompt(
        prompt,
        {
          specFor,
          models: models(),
          inputFileExists: (n) => isInputFile(n, dirs),
          legacyMissingNode: faults.legacyMissingNode,
        },
        targets,
      );
      if (!result.ok) return json(res, 400, { error: result.error, node_errors: result.node_errors });
      const extraData = {
        ...((body.extra_data as Record<string, unknown> | undefined) ?? {}),
        create_time: Date.now(),
      } as Record<string, unknown>;
      if (typeof body.client_id === 'string') extraData.client_id = body.client_id;
      received.push({
        prompt_id: promptId,
        prompt,
        client_id: typeof body.client_id === 'string' ? body.client_id : null,
      });
      const number = executor.enqueue({
        promptId,
        prompt,
        extraData,
        outputs: result.outputs,
        number: typeof body.number === 'number' ? body.number : undefined,
        front: body.front === true,
      });
      return json(res, 200, { prompt_id: promptId, number, node_errors: result.nodeErrors });
    }
    if (route === 'GET /prompt') return json(res, 200, { exec_info: { queue_remaining: executor.queueRemaining() } });
    if (route === 'GET /queue') return json(res, 200, executor.queueSnapshot());
    if (route === 'POST /queue') {
      const body = (await readJson(req)) as { clear?: boolean; delete?: string[] };
      if (body.clear) executor.clearPending();
      if (Array.isArray(body.delete)) executor.deletePending(body.delete);
      return empty(res);
    }
    if (route === 'POST /interrupt') {
      let promptId: string | undefined;
      try {
        promptId = ((await readJson(req)) as { prompt_id?: string })?.prompt_id;
      } catch {
        /* tolerated */
      }
      executor.interrupt(faults.targetedInterrupt ? promptId : undefined);
      return empty(res);
    }
    if (route === 'GET /history') {
      const entries = [...executor.history.entries()];
      const max = url.searchParams.get('max_items');
      const offset = url.searchParams.get('offset');
      let slice = entries;
      if (max !== null) {
        const n = Number(max);
        slice =
          offset !== null
            ? entries.slice(Number(offset), Number(offset) + n)
            : entries.slice(Math.max(0, entries.length - n));
      }
      return json(res, 200, Object.fromEntries(slice));
    }
    if (method === 'GET' && p.startsWith('/history/')) {
      const id = decodeURIComponent(p.slice('/history/'.length));
      const entry = executor.history.get(id);
      return json(res, 200, entry ? { [id]: entry } : {});
    }
    if (route === 'POST /history') {
      const body = (await readJson(req)) as { clear?: boolean; delete?: string[] };
      if (body.clear) executor.history.clear();
      if (Array.isArray(body.delete)) for (const id of body.delete) executor.history.delete(id);
      return empty(res);
    }
    if (route === 'GET /view') return serveView(url, req, res);
    if (route === 'POST /upload/image') return handleUpload(req, res);
    if (route === 'GET /models')
      return json(
        res,
        200,
        Object.keys(models()).filter((k) => k !== 'input'),
      );
    if (method === 'GET' && p.startsWith('/models/')) {
      const folder = decodeURIComponent(p.slice('/models/'.length));
      const m = models();
      if (!(folder in m) || folder === 'input') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('404: Not Found');
        return;
      }
      return json(res, 200, m[folder]);
    }
    if (route === 'GET /embeddings') return json(res, 200, []);
    if (route === 'GET /extensions') return json(res, 200, []);
    if (route === 'GET /features') return json(res, 200, featureFlags());
    if (route === 'POST /free') {
      // Like ComfyUI: flags for the prompt worker, applied once the current prompt is done.
      const body = (await readJson(req)) as { unload_models?: boolean; free_memory?: boolean };
      if (body.unload_models || body.free_memory) executor.requestFree();
      return empty(res);
    }
    // The static frontend catches every GET; other methods on unknown paths are 405.
    if (method === 'GET' || method === 'HEAD') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404: Not Found');
      return;
    }
    res.writeHead(405, { 'content-type': 'text/plain' });
    res.end('405: Method Not Allowed');
  }

  async function serveView(
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
    bytesPerSecond: number | null = faults.viewBytesPerSecond,
  ): Promise<void> {
    let filename = url.searchParams.get('filename');
    let type = url.searchParams.get('type') ?? 'output';
    if (!filename) {
      res.writeHead(404);
      res.end();
      return;
    }
    const annotated = /^(.*) \[(output|input|temp)\]$/.exec(filename);
    if (annotated) {
      filename = annotated[1]!;
      type = annotated[2]!;
    }
    if (!filename || filename.startsWith('/') || filename.includes('..')) {
      res.writeHead(400);
      res.end();
      return;
    }
    if (!['output', 'input', 'temp'].includes(type)) {
      res.writeHead(400);
      res.end();
      return;
    }
    const base = dirs[type as keyof SimDirs];
    const folder = path.resolve(base, url.searchParams.get('subfolder') ?? '');
    if (folder !== base && !folder.startsWith(base + path.sep)) {
      res.writeHead(403);
      res.end();
      return;
    }
    const file = path.join(folder, path.basename(filename));
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404);
      res.end();
      return;
    }
    const ext = path.extname(file).toLowerCase();
    const dangerous = DANGEROUS.has(ext) && !(ext === '.svg' && req.headers['sec-fetch-dest'] === 'image');
    res.writeHead(200, {
      'content-type': dangerous ? 'application/octet-stream' : (MIME[ext] ?? 'application/octet-stream'),
      'content-length': String(size),
      'content-disposition': `${dangerous ? 'attachment; ' : ''}filename="${path.basename(file)}"`,
      'x-content-type-options': 'nosniff',
    });
    if (faults.truncateView) {
      const half = createReadStream(file, { end: Math.max(0, Math.floor(size / 2) - 1) });
      half.on('end', () => res.destroy());
      half.pipe(res, { end: false });
      return;
    }
    const source = createReadStream(file);
    const rate = bytesPerSecond;
    if (rate) await pipeline(source, throttle(rate), res).catch(() => res.destroy());
    else await pipeline(source, res).catch(() => res.destroy());
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      await readBody(req).catch(() => undefined);
      res.writeHead(400);
      res.end();
      return;
    }
    const fields: Record<string, string> = {};
    let file: { name: string; data: Buffer } | null = null;
    let tooLarge = false;
    await new Promise<void>((resolve, reject) => {
      const bb = new Busboy({ headers: req.headers as never, limits: { fileSize: maxUpload } });
      bb.on('file', (field: string, stream: NodeJS.ReadableStream & { truncated?: boolean }, filename: string) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('limit', () => {
          tooLarge = true;
        });
        stream.on('end', () => {
          if (field === 'image') file = { name: filename ?? '', data: Buffer.concat(chunks) };
        });
      });
      bb.on('field', (name: string, value: string) => {
        fields[name] = value;
      });
      bb.on('finish', () => resolve());
      bb.on('error', reject);
      req.pipe(bb);
    }).catch(() => {
      file = null;
    });
    if (tooLarge) {
      res.writeHead(413);
      res.end();
      return;
    }
    const upload = file as { name: string; data: Buffer } | null;
    if (!upload || !upload.name) {
      res.writeHead(400);
      res.end();
      return;
    }
    const type = fields.type ?? 'input';
    if (!['input', 'temp', 'output'].includes(type)) {
      res.writeHead(400);
      res.end();
      return;
    }
    const base = dirs[type as keyof SimDirs];
    const subfolder = fields.subfolder ?? '';
    const folder = path.resolve(base, subfolder);
    const target = path.resolve(folder, upload.name);
    if ((folder !== base && !folder.startsWith(base + path.sep)) || path.dirname(target) !== folder) {
      res.writeHead(400);
      res.end();
      return;
    }
    await fsp.mkdir(folder, { recursive: true });
    const overwrite = fields.overwrite === 'true' || fields.overwrite === '1';
    let name = upload.name;
    if (!overwrite) {
      const ext = path.extname(upload.name);
      const stem = upload.name.slice(0, upload.name.length - ext.length);
      for (let i = 1; existsSync(path.join(folder, name)); i++) {
        const existing = await fsp.readFile(path.join(folder, name));
        if (sha(existing) === sha(upload.data)) break; // identical bytes: reuse the name
        name = `${stem} (${i})${ext}`;
      }
    }
    await fsp.writeFile(path.join(folder, name), upload.data);
    return json(res, 200, { name, subfolder, type });
  }

  const featureFlags = () => ({
    supports_preview_metadata: true,
    supports_model_type_tags: true,
    max_upload_size: maxUpload,
    extension: { manager: { supports_v4: true } },
    node_replacements: true,
    assets: false,
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname !== '/ws' && url.pathname !== '/api/ws') {
      socket.destroy();
      return;
    }
    if (faults.hostileSocket === 'hang-upgrade') return;
    if (faults.hostileSocket === 'refuse-upgrade') {
      socket.end('HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const sid = hub.register(ws, url.searchParams.get('clientId'));
      hub.sendDirect(ws, 'status', { status: { exec_info: { queue_remaining: executor.queueRemaining() } }, sid });
      if (faults.hostileSocket === 'oversized')
        ws.send(JSON.stringify({ type: 'status', data: { padding: 'x'.repeat(16 * 1024 * 1024) } }));
      if (executor.running && executor.running.extraData.client_id === sid && executor.currentNode) {
        hub.sendDirect(ws, 'executing', { node: executor.currentNode });
      }
      let first = true;
      ws.on('message', (data, isBinary) => {
        if (!first || isBinary) return;
        first = false;
        try {
          const msg = JSON.parse(socketText(data)) as { type?: string; data?: { supports_preview_metadata?: boolean } };
          if (msg.type === 'feature_flags') {
            if (msg.data?.supports_preview_metadata) hub.previewMetadata.add(ws);
            hub.sendDirect(ws, 'feature_flags', featureFlags());
          }
        } catch {
          /* invalid JSON is only logged by ComfyUI */
        }
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    dirs,
    faults,
    received,
    requestCounts,
    peakInFlight,
    executor,
    setFaults(patch) {
      Object.assign(faults, structuredClone(patch));
    },
    resetFaults() {
      Object.assign(faults, faultsWith(options.faults));
    },
    restart() {
      executor.restart();
      hub.closeAll();
      for (const s of sockets) s.destroy();
    },
    async close() {
      await executor.close();
      hub.closeAll();
      wss.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsBaseDir) await fsp.rm(baseDir, { recursive: true, force: true });
    },
  };
}

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function listInputs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function isInputFile(name: string, dirs: SimDirs): boolean {
  const m = /^(.*) \[(output|input|temp)\]$/.exec(name);
  const base = m ? dirs[m[2] as keyof SimDirs] : dirs.input;
  const rel = m ? m[1]! : name;
  if (!rel || rel.includes('..') || path.isAbsolute(rel)) return false;
  try {
    return statSync(path.resolve(base, rel)).isFile();
  } catch {
    return false;
  }
}

function throttle(bytesPerSecond: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const slices: Buffer[] = [];
      const slice = Math.max(1, Math.floor(bytesPerSecond / 20));
      for (let i = 0; i < chunk.length; i += slice) slices.push(chunk.subarray(i, i + slice));
      const push = () => {
        const next = slices.shift();
        if (!next) return done();
        this.push(next);
        setTimeout(push, (next.length / bytesPerSecond) * 1000).unref();
      };
      push();
    },
  });
}

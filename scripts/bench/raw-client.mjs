// The baseline of the job-overhead benchmark: the least a client can do per job against ComfyUI.
// POST /prompt with a client id, wait on the WebSocket for the prompt's end, read /history, GET /view.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export class RawComfyClient {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.clientId = randomUUID().replace(/-/g, '');
    this.waiters = new Map();
  }

  async open() {
    const ws = new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}/ws?clientId=${this.clientId}`);
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const msg = JSON.parse(String(data));
      if (msg.type === 'executing' && msg.data.node === null) this.waiters.get(msg.data.prompt_id)?.();
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
  }

  async run(graph) {
    const promptId = randomUUID();
    const done = new Promise((resolve) => this.waiters.set(promptId, resolve));
    const res = await fetch(`${this.baseUrl}/prompt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: graph, client_id: this.clientId, prompt_id: promptId }),
    });
    if (!res.ok) throw new Error(`POST /prompt → ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    await done;
    this.waiters.delete(promptId);
    /** @type {any} */
    const history = await (await fetch(`${this.baseUrl}/history/${promptId}`)).json();
    let bytes = 0;
    for (const ui of Object.values(history[promptId].outputs)) {
      for (const img of ui.images ?? []) {
        const q = new URLSearchParams({ filename: img.filename, subfolder: img.subfolder, type: img.type });
        const view = await fetch(`${this.baseUrl}/view?${q}`);
        for await (const chunk of view.body ?? []) bytes += chunk.length;
      }
    }
    return bytes;
  }

  close() {
    this.ws?.close();
  }
}

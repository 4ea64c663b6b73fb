import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostileAnswer, SimFaults } from './faults.js';

/** The hostile answer configured for a path, if any is left (`times` counts down). */
export function hostileAnswerFor(faults: SimFaults, path: string): HostileAnswer | null {
  for (const [pattern, answer] of Object.entries(faults.hostile)) {
    const matches = pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
    if (!matches) continue;
    if (answer.times !== undefined) {
      if (answer.times <= 0) continue;
      answer.times--;
    }
    return answer;
  }
  return null;
}

/** JSON with the wrong type in every field this route's clients read. */
function wrongShape(method: string, path: string): unknown {
  if (path.startsWith('/history/')) {
    const id = decodeURIComponent(path.slice('/history/'.length));
    return {
      [id]: {
        outputs: { 9: { images: 'not a list' } },
        status: { status_str: 5, completed: 'yes', messages: 'not a list' },
      },
    };
  }
  if (path === '/history') return { entry: 5 };
  if (path === '/queue') return { queue_running: 'x', queue_pending: 5 };
  if (path === '/prompt' && method === 'POST') return { prompt_id: 42, number: 'x', node_errors: [] };
  if (path === '/object_info') return ['not', 'an', 'object'];
  if (path === '/system_stats') return { system: 'x', devices: 'y' };
  if (path === '/upload/image') return { name: 42, subfolder: [] };
  return [null];
}

/**
 * Write a hostile answer. `trickleFile`, for /view, streams the real file one byte a second; other
 * routes trickle an endless JSON start.
 */
export function writeHostile(
  req: IncomingMessage,
  res: ServerResponse,
  answer: HostileAnswer,
  path: string,
  trickleFile?: () => void,
): void {
  req.resume(); // a hostile server still reads what it is sent
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  switch (answer.kind) {
    case 'status':
      res.writeHead(
        answer.status,
        answer.body !== undefined ? { 'content-type': answer.contentType ?? 'text/plain' } : {},
      );
      res.end(answer.body ?? '');
      return;
    case 'reset':
      res.socket?.destroy();
      return;
    case 'reset-mid-body':
      res.writeHead(200, {
        'content-type': path === '/view' ? 'image/png' : 'application/json',
        'content-length': '100000',
      });
      res.write('{"partial": "');
      setTimeout(() => res.socket?.destroy(), 20).unref();
      return;
    case 'trickle': {
      if (trickleFile) return trickleFile();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const timer = setInterval(() => {
        if (closed) clearInterval(timer);
        else res.write(' ');
      }, 1000);
      timer.unref();
      return;
    }
    case 'endless': {
      res.writeHead(200, { 'content-type': path === '/view' ? 'image/png' : 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, '[');
      const pump = () => {
        while (!closed && res.write(chunk));
        if (!closed) res.once('drain', pump);
      };
      pump();
      return;
    }
    case 'oversized': {
      const pad = Math.max(0, answer.bytes - 12);
      res.writeHead(200, {
        'content-type': path === '/view' ? 'image/png' : 'application/json',
        'content-length': String(pad + 12),
      });
      res.write('{"padding":"');
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let left = pad;
      const pump = () => {
        while (!closed && left > 0) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        if (!closed) res.end('"}');
      };
      pump();
      return;
    }
    case 'garbage':
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1><script>alert(1)</script></body></html>');
      return;
    case 'wrong-shape':
      if (path === '/view') {
        // A file that claims to be a PNG and is a web page.
        res.writeHead(200, { 'content-type': 'image/png', 'content-disposition': 'inline; filename="x.png"' });
        res.end('<html><body><script>document.title = "stored xss"</script></body></html>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(wrongShape(req.method ?? 'GET', path)));
  }
}

/** Hostile WebSocket text frames to send before a real message of this type (same prompt id). */
export function garbageFrames(real: string): (string | Buffer)[] {
  let parsed: { type?: unknown; data?: Record<string, unknown> } = {};
  try {
    parsed = JSON.parse(real) as typeof parsed;
  } catch {
    /* binary or odd: garbage only */
  }
  const promptId = parsed.data?.prompt_id;
  const type = parsed.type;
  return [
    '{"type": "executing", "data": ',
    'null',
    '[1, 2, 3]',
    JSON.stringify({ type: 42, data: {} }),
    JSON.stringify({ type, data: 'not an object' }),
    JSON.stringify({
      type,
      data: {
        prompt_id: promptId,
        node: { x: 1 },
        display_node: [],
        value: 'x',
        max: -1,
        nodes: 'x',
        output: 'x',
        timestamp: 'x',
      },
    }),
    JSON.stringify({
      type: 'executed',
      data: {
        prompt_id: promptId,
        node: '9',
        output: { images: [null, 5, { filename: 7 }, { filename: '' }, { filename: 'a'.repeat(5000) }] },
      },
    }),
    JSON.stringify({
      type: 'progress_state',
      data: { prompt_id: promptId, nodes: { 1: null, 2: 'x', 3: { state: 5 } } },
    }),
    JSON.stringify({ type: 'execution_cached', data: { prompt_id: promptId, nodes: { not: 'a list' } } }),
    Buffer.from([0, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3]),
    Buffer.from([0xff, 0xfe]),
  ];
}

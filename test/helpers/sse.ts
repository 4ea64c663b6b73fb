import http from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

/** Read a whole SSE stream until the server closes it (or timeout). */
export function readSse(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<{ status: number; events: SseEvent[]; contentType: string | undefined }> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const req = http.get(url, { headers }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let idx;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const ev: Partial<SseEvent> = {};
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) ev.id = line.slice(4);
            else if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (ev.event) events.push({ ...ev, event: ev.event, data: data ? JSON.parse(data) : null });
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, events, contentType: res.headers['content-type'] });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      const seen = events.map((e) => (e.event === 'log' ? `log:${e.id}:${e.data?.event}` : e.event));
      reject(new Error(`SSE stream did not end in time; it had sent ${seen.join(' ')}`));
    }, timeoutMs);
    req.on('error', reject);
  });
}

// Baseline of the read-path benchmark: a bare Fastify route returning the same JSON bodies the
// service returns (fetched from it at start), with nothing else in the way.
import Fastify from 'fastify';

const bodies = JSON.parse(process.env.BARE_BODIES ?? '{}');
const app = Fastify({ logger: false });
for (const [route, body] of Object.entries(bodies)) {
  app.get(route, (_req, reply) => {
    reply.type('application/json; charset=utf-8').send(body);
  });
}
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`BARE ${address}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));

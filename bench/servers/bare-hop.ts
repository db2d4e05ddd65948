/**
 * gateway-latency's floor: the least a Node process in the path can cost. Each GET is passed to MinIO
 * (anonymous, no signing, no routing, no auth) and the answer piped back with node:http alone; what this adds
 * over MinIO direct, no gateway written in Node can avoid on the same machine. Settings as JSON in BARE_HOP
 * ({ endpoint, bucket }); prints `listening PORT`; GET /bench/stalls as in servers/gateway.ts.
 */
import { Agent, createServer, get } from 'node:http';
import { watchStalls } from '../lib/event-loop-stalls.ts';

const { endpoint, bucket } = JSON.parse(process.env.BARE_HOP ?? '{}') as { endpoint: string; bucket: string };
const stalls = watchStalls();
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const server = createServer((request, response) => {
  if (request.url === '/bench/stalls') return void response.end(JSON.stringify(stalls.read()));
  const upstream = get(`${endpoint}/${bucket}${request.url!.replace(/^\/media/, '')}`, { agent }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, { 'Content-Type': 'video/iso.segment', 'Content-Length': answer.headers['content-length'] ?? '0' });
    answer.pipe(response);
  });
  upstream.on('error', () => response.destroy());
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));

/**
 * TLS on every public hop, locally, with a self-signed certificate this file makes with openssl: a viewer asks a CDN
 * node (nginx from the shipped template, with its HTTPS listener) over HTTPS; the node pulls over verified HTTPS from
 * the shield's TLS front (Debian's hitch), which hands the connection to varnishd's PROXY listener; the shield pulls
 * from the real private gateway on real MinIO. The shield still sees each client's own address through hitch.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullHeaders } from '../../contracts/pull-signing.ts';
import { purgePath } from '../../contracts/shield-purge.ts';
import { renderNginxConfig } from '../../edge/cdn-node/render-config.ts';
import { signSegmentToken } from '../../edge/src/playback/segment-token.ts';
import { createVideo, transitionVideo } from '../../origin/src/db/videos.ts';
import { stackContext } from '../../stack/component.ts';
import { shieldComponent } from '../../stack/components/shield.ts';
import { shieldTlsComponent } from '../../stack/components/shield-tls.ts';
import { isRoot, run } from '../../stack/exec.ts';
import { repoRoot } from '../../stack/paths.ts';
import { StackRunner } from '../../stack/runner.ts';
import { nginxTool } from '../../stack/tools/nginx.ts';
import { testPorts } from '../support/ports.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { waitFor } from '../support/wait.ts';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.ts';

const nodeKey = 'https-test-node-key-0123456789';
const segment = new Uint8Array(150_000).map((_, i) => (i * 11) % 251);
let gateway: GatewayStack;
let shield: StackRunner;
let dir: string;
let certificate: string;
let viewer: Agent;
let nodeHttps: string;
let nodePlain: string;
let shieldHttpsPort: number;
let nginx: import('node:child_process').ChildProcess;

beforeAll(async () => {
  const ports = await testPorts(import.meta.url);
  dir = await mkdtemp(join(tmpdir(), 'vora-https-'));
  // One self-signed certificate for "localhost" (and 127.0.0.1) serves the node and the shield alike here.
  const [key, cert, pem] = [join(dir, 'key.pem'), join(dir, 'cert.pem'), join(dir, 'shield.pem')] as const;
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  certificate = await readFile(cert, 'utf8');
  await writeFile(pem, `${await readFile(key, 'utf8')}${certificate}`, { mode: 0o600 });
  viewer = new Agent({ connect: { ca: certificate } });

  gateway = await startGatewayStack(ports);
  await createVideo(gateway.sql, { id: 'vid_tls', title: 'tls' });
  for (const [from, to] of [['CREATED', 'UPLOADING'], ['UPLOADING', 'PROCESSING'], ['PROCESSING', 'READY']] as const) await transitionVideo(gateway.sql, 'vid_tls', [from], to);
  await gateway.put('vid_tls/360p/seg_00001.m4s', segment);

  const ctx = stackContext(ports, fakeSecrets({ pullSecret: gateway.pullSecret, nodeKey }), join(dir, 'stack'));
  const proxyPort = ports.shield + 1; // the block's spare port (first + 18)
  shieldHttpsPort = ports.cdnNodes[2];
  shield = new StackRunner([shieldComponent(ctx, { gatewayPort: Number(new URL(gateway.gatewayUrl).port), memory: '64m', proxyPort }), shieldTlsComponent(ctx, { port: shieldHttpsPort, proxyPort, pemFile: pem })], ctx.logDir);
  await shield.start();

  const nodeDir = join(dir, 'node');
  for (const sub of ['cache', 'tmp']) await mkdir(join(nodeDir, sub), { recursive: true });
  const config = renderNginxConfig(await readFile(join(repoRoot, 'edge/cdn-node/nginx.conf.template'), 'utf8'), {
    nodeId: 'tls-1',
    listen: `127.0.0.1:${ports.cdnNodes[0]}`,
    tls: { listen: `127.0.0.1:${ports.cdnNodes[1]}`, certificate: cert, certificateKey: key },
    // The shield across "the internet": its HTTPS front, verified against the certificate it must carry.
    originHostPort: `127.0.0.1:${shieldHttpsPort}`,
    upstreamTls: { serverName: 'localhost', trustedCertificate: cert },
    nodeDir,
    nodeKey,
    pullSecret: gateway.pullSecret,
    accessLog: join(nodeDir, 'access.log'),
    userDirective: isRoot ? 'user root;' : '',
  });
  await writeFile(join(nodeDir, 'nginx.conf'), config);
  const binary = await nginxTool.locate();
  if (!binary) throw new Error(`nginx missing: ${nginxTool.fix}`);
  await run(binary, ['-t', '-q', '-c', join(nodeDir, 'nginx.conf')]);
  const { spawn } = await import('node:child_process');
  nginx = spawn(binary, ['-c', join(nodeDir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  nodePlain = `http://127.0.0.1:${ports.cdnNodes[0]}`;
  nodeHttps = `https://localhost:${ports.cdnNodes[1]}`;
  await waitFor(async () => (await fetch(`${nodePlain}/healthz`)).ok, { what: 'the node to answer /healthz', timeoutMs: 10_000, retryErrors: true, stopOn: () => nginx.exitCode !== null });
}, 120_000);

afterAll(async () => {
  if (nginx?.pid && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx.once('exit', resolve));
    process.kill(nginx.pid, 'SIGTERM');
    await exited;
  }
  await viewer?.close();
  await shield?.stop(5_000);
  await gateway?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('HTTPS from the viewer through a node and the shield', () => {
  const token = () => signSegmentToken({ videoId: 'vid_tls', expires: Math.floor(Date.now() / 1000) + 600, secret: nodeKey }).query;

  it('serves a segment over HTTPS, pulled over verified HTTPS through the shield, then from the node cache', async () => {
    const url = `${nodeHttps}/media/vid_tls/360p/seg_00001.m4s?${token()}`;
    const first = await undiciFetch(url, { dispatcher: viewer });
    expect(first.status).toBe(200);
    expect(Buffer.from(await first.arrayBuffer()).equals(Buffer.from(segment))).toBe(true);
    expect(first.headers.get('x-cache-status')).toBe('MISS');
    expect(first.headers.get('x-shield-cache')).toBe('MISS');
    expect(gateway.requests.filter((request) => request === 'GET /media/vid_tls/360p/seg_00001.m4s')).toHaveLength(1);
    const again = await undiciFetch(url, { dispatcher: viewer });
    expect(again.headers.get('x-cache-status')).toBe('HIT');
    await again.arrayBuffer();
  });

  it('is real TLS: a client that does not trust the certificate is refused, and the node still checks segment tokens over HTTPS', async () => {
    await expect(undiciFetch(`${nodeHttps}/healthz`)).rejects.toThrow();
    const forged = await undiciFetch(`${nodeHttps}/media/vid_tls/360p/seg_00001.m4s?st=AAAAAAAAAAAAAAAAAAAAAA&e=${Math.floor(Date.now() / 1000) + 600}`, { dispatcher: viewer });
    expect(forged.status).toBe(403);
    await forged.arrayBuffer();
  });

  it("lets the shield see each client's own address through its TLS front (a purge from outside the purgers is refused)", async () => {
    const path = purgePath('vid_tls');
    const headers = await pullHeaders({ method: 'BAN', path, secret: gateway.pullSecret, nowSeconds: Math.floor(Date.now() / 1000) });
    const ban = (localAddress: string) =>
      new Promise<number>((resolve, reject) => {
        const request = httpsRequest({ host: '127.0.0.1', servername: 'localhost', port: shieldHttpsPort, path, method: 'BAN', headers, localAddress, ca: certificate }, (answer) => {
          answer.resume();
          answer.on('end', () => resolve(answer.statusCode ?? 0));
        });
        request.on('error', reject);
        request.end();
      });
    expect(await ban('127.0.0.2')).toBe(403);
    expect(await ban('127.0.0.1')).toBe(200);
  });
});

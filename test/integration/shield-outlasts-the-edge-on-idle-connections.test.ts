/**
 * The shield (Debian's varnishd as stack/components/shield.ts runs it) keeps an idle client connection open past the
 * 5 s after which workerd drops one from its pool. With Varnish's default (timeout_idle 5 s) both sides closed at the
 * same moment, and a request the edge sent on a connection the shield was closing failed with "Network connection
 * lost": a 502 to a viewer in the 30-minute soak. Here a raw keep-alive connection idles 6 s and is used again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIELD_HEALTH_PATH } from '../../shield/vcl.ts';
import { stackContext } from '../../stack/component.ts';
import { shieldComponent } from '../../stack/components/shield.ts';
import { StackRunner } from '../../stack/runner.ts';
import { testPorts } from '../support/ports.ts';

/** Longer than workerd's idle pool timeout (5 s) and Varnish's default timeout_idle (5 s). */
const IDLE_MS = 6000;

let gateway: Server;
let shield: StackRunner;
let shieldPort: number;
let dataDir: string;

beforeAll(async () => {
  const ports = await testPorts(import.meta.url);
  // The shield's health probe asks the gateway; nothing else reaches it here.
  gateway = createServer((_request, response) => response.end('{"status":"ok"}'));
  await new Promise<void>((resolve) => gateway.listen(ports.origin, '127.0.0.1', resolve));
  dataDir = await mkdtemp(join(tmpdir(), 'vora-shield-idle-'));
  const ctx = stackContext(ports, { apiToken: 't', internalSecret: 't', nodeKey: 't', pullSecret: 'idle-shield-pull-secret-0123456789', minioUser: 't', minioPassword: 't', secretsKey: 'dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU=' }, dataDir);
  shield = new StackRunner([shieldComponent(ctx, { gatewayPort: ports.origin, memory: '32m' })], ctx.logDir);
  await shield.start();
  shieldPort = ports.shield;
}, 60_000);

afterAll(async () => {
  await shield?.stop(5_000);
  await new Promise((resolve) => gateway?.close(resolve));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 30_000);

/** Sends one keep-alive GET on the socket and resolves with the status line of its answer. */
function ask(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(received.slice(0, headEnd))?.[1] ?? 0);
      if (received.length < headEnd + 4 + length) return;
      socket.off('data', onData).off('close', onClose);
      resolve(received.slice(0, received.indexOf(' ', 9))); // "HTTP/1.1 200": without the reason phrase, which Varnish writes its own way
    };
    const onClose = () => reject(new Error('the shield closed the connection before answering'));
    socket.on('data', onData).once('close', onClose);
    socket.write(`GET ${SHIELD_HEALTH_PATH} HTTP/1.1\r\nHost: shield\r\nConnection: keep-alive\r\n\r\n`);
  });
}

describe('the shield and idle client connections', () => {
  it(`answers on a keep-alive connection that has been idle ${IDLE_MS / 1000} s`, async () => {
    const socket = connect(shieldPort, '127.0.0.1');
    try {
      let closedAt: number | null = null;
      socket.once('close', () => (closedAt = Date.now()));
      expect(await ask(socket)).toBe('HTTP/1.1 200');
      const idleFrom = Date.now();
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      expect(closedAt === null ? 'still open' : `closed after ${closedAt - idleFrom} ms idle`).toBe('still open');
      expect(await ask(socket)).toBe('HTTP/1.1 200');
    } finally {
      socket.destroy();
    }
  }, 20_000);
});

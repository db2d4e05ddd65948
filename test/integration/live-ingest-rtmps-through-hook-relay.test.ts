/**
 * The ingest as the ingest tier's hosts run it (terraform/modules/ingest): nginx-rtmp's hooks go through the relay
 * in its own http block (ingest/render-config.ts, hookRelay) to the origin's live routes on PGlite, and publishers
 * come in over RTMPS through hitch (a self-signed certificate made here with openssl). FFmpeg publishes with the
 * right key and is let through; a wrong key is refused; the stream is readable over plain RTMP under the input id.
 * The relay's resolver is not exercised (the origin's address is a literal here): DNS re-resolution is nginx's own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackContext } from '../../stack/component.ts';
import { ingestComponent } from '../../stack/components/ingest.ts';
import { ingestTlsComponent } from '../../stack/components/ingest-tls.ts';
import { StackRunner } from '../../stack/runner.ts';
import { operatorApi, type OperatorApi } from '../support/operator-api.ts';
import { testPorts } from '../support/ports.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { waitFor } from '../support/wait.ts';
import { startLiveOrigin, type LiveOrigin } from './support/live-origin.ts';
import { probeRtmp, publishTestSource, type Publisher } from '../support/live-publisher.ts';

const ports = await testPorts(import.meta.url);
const secrets = fakeSecrets();
// This file starts no edge and no shield: their ports of the block carry the relay and the RTMPS front.
const relayPort = ports.edge;
const rtmpsPort = ports.shield;
const rtmpsBase = `rtmps://127.0.0.1:${rtmpsPort}/live`;
const rtmpBase = `rtmp://127.0.0.1:${ports.ingestRtmp}/live`;
const dataDir = mkdtempSync(join(tmpdir(), 'vora-live-rtmps-'));
let origin: LiveOrigin;
let runner: StackRunner;
let api: OperatorApi;
const publishers: Publisher[] = [];

beforeAll(async () => {
  const [key, cert, pem] = [join(dataDir, 'key.pem'), join(dataDir, 'cert.pem'), join(dataDir, 'ingest.pem')];
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  writeFileSync(pem, `${readFileSync(key, 'utf8')}${readFileSync(cert, 'utf8')}`, { mode: 0o600 });
  origin = await startLiveOrigin({ ingestSecret: secrets.internalSecret, rtmpUrl: rtmpsBase });
  api = operatorApi(origin.url, 'unused');
  const ctx = stackContext(ports, secrets, dataDir);
  runner = new StackRunner([
    ingestComponent(ctx, { originUrl: origin.url, hookRelay: { port: relayPort, resolver: '127.0.0.1' } }),
    ingestTlsComponent(ctx, { port: rtmpsPort, pemFile: pem }),
  ], join(dataDir, 'logs'));
  await runner.start();
});

afterAll(async () => {
  await Promise.all(publishers.map((publisher) => publisher.stop()));
  await runner?.stop(5_000);
  await origin?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function publish(url: string, seconds = 30): Publisher {
  const publisher = publishTestSource(url, { seconds });
  publishers.push(publisher);
  return publisher;
}

describe('RTMPS through hitch, hooks through the relay', () => {
  it('sends every hook to the relay, not to the origin directly', () => {
    const conf = readFileSync(join(dataDir, 'ingest', 'nginx.conf'), 'utf8');
    expect(conf).toContain(`on_publish http://127.0.0.1:${relayPort}/internal/live/on-publish?`);
    expect(conf).not.toContain(`on_publish ${origin.url}`);
  });

  it('lets the right key in over RTMPS and refuses a wrong one', async () => {
    const { status, body: input } = await api('/v1/live-inputs', { method: 'POST', body: { title: 'over rtmps' } });
    expect(status).toBe(201);
    expect(input.publishUrl).toBe(`${rtmpsBase}/${input.streamKey}`);
    const before = origin.logs.filter((line) => line.event === 'live_publish_refused').length;

    const live = publish(`${rtmpsBase}/${input.streamKey}`);
    await waitFor(async () => ((await api(`/v1/live-inputs/${input.id}`)).body.status === 'live' ? true : undefined), { what: 'the RTMPS publish to be authorized through the relay', timeoutMs: 15_000 });
    // Renamed to the input id by the origin's 302, which the relay passed on untouched.
    expect(await probeRtmp(`${rtmpBase}/${input.id}`)).toEqual(expect.arrayContaining(['video', 'audio']));
    expect(live.child.exitCode).toBeNull();

    const wrong = publish(`${rtmpsBase}/lk_${'B'.repeat(43)}`);
    expect((await wrong.exited).code).not.toBe(0);
    expect(origin.logs.filter((line) => line.event === 'live_publish_refused').slice(before).map((line) => line.refusal)).toEqual(['unknown_key']);

    await live.stop();
    await waitFor(async () => ((await api(`/v1/live-inputs/${input.id}`)).body.status === 'reconnecting' ? true : undefined), { what: 'on_publish_done to reach the origin through the relay', timeoutMs: 15_000 });
  });
});

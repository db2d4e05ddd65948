/**
 * Hostile input at every door of one running stack: each gets a clear 4xx, and the next legitimate
 * request is answered normally. Declared by a test file that owns the stack (`describeHostileInput`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { edgeUrl, originUrl, type DevStack } from '../../support/dev-stack.ts';
import { sha256 } from '../../support/media.ts';
import { createVideo, type OperatorApi } from '../../support/operator-api.ts';
import type { FaultTable } from './fault-log.ts';
import { hostileDoors, isClearRefusal, knock, leavesDoor } from './hostile-doors.ts';
import { hostileNames, rawRequest, type RawAnswer } from './raw-http.ts';
import { rawDigest } from './vora-client.ts';

export interface HostileContext {
  stack: DevStack;
  api: OperatorApi;
  s3: S3Client;
  table: FaultTable;
  ready: { id: string; url: string; token: string };
  twitchSecret: string;
}

const show = (answer: RawAnswer) => `${answer.status} ${answer.text.slice(0, 100)}`;

export function describeHostileInput(context: () => HostileContext): void {
  /** The legitimate request that must still work after each refusal; resolves with its time. */
  async function stillServes(): Promise<number> {
    const { api, ready } = context();
    const started = performance.now();
    const read = await api(`/v1/videos/${ready.id}`);
    expect(read.body.state).toBe('READY');
    expect((await fetch(ready.url, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);
    return performance.now() - started;
  }

  describe('hostile input', () => {
    it('refuses traversal and odd characters in every id, key and file name with a clear 4xx, and serves the next request', async () => {
      const { stack, table, ready } = context();
      const doors = hostileDoors(stack, ready.id, ready.token);
      const unclear: string[] = [];
      let elsewhere = 0;
      for (const door of doors) {
        for (const name of hostileNames) {
          const answer = await knock(stack, door, name);
          // A knock the URL rules sent to another route must still not break anything there.
          if (leavesDoor(door, name)) {
            elsewhere += 1;
            if (answer.status === 0 || answer.status >= 500) unclear.push(`${door.name} with ${name} (resolved elsewhere): ${show(answer)}`);
          } else if (!isClearRefusal(door, answer)) unclear.push(`${door.name} with ${name.slice(0, 40)}: ${show(answer)}`);
        }
      }
      const recoveryMs = await stillServes();
      const trials = doors.length * hostileNames.length;
      table.record({ fault: 'traversal/odd ids, keys, file names', trials, passed: trials - unclear.length, worstRecoveryMs: recoveryMs, dataLost: 0, note: `${doors.length} doors x ${hostileNames.length} names; ${elsewhere} resolved to another route by URL rules` });
      expect(unclear).toEqual([]);
    });

    it('refuses oversized headers (origin 64 KiB, edge over the platform 128 KB) with 431 or 400, and a 2 MB JSON body with 413', async () => {
      const { stack, table } = context();
      const filler = (kib: number) => ({ 'x-filler': 'a'.repeat(kib * 1024) });
      // Cloudflare takes up to 128 KB of request headers, so the edge may serve 64 KiB; past that it must refuse.
      const edgeUnderLimit = await rawRequest(`${edgeUrl(stack)}/healthz`, { headers: filler(64) });
      const headerAnswers = [await rawRequest(`${originUrl(stack)}/healthz`, { headers: filler(64) }), await rawRequest(`${edgeUrl(stack)}/healthz`, { headers: filler(256) })];
      console.log(`[faults] headers: origin 64 KiB ${headerAnswers[0]!.status}, edge 64 KiB ${edgeUnderLimit.status}, edge 256 KiB ${show(headerAnswers[1]!)}`);
      const body = JSON.stringify({ title: 'big', description: 'd'.repeat(2 * 1024 * 1024) });
      const operator = { authorization: `Bearer ${stack.secrets.apiToken}`, 'content-type': 'application/json' };
      const bodyAnswers = [
        await rawRequest(`${originUrl(stack)}/v1/videos`, { method: 'POST', headers: operator, body }),
        await rawRequest(`${originUrl(stack)}/v1/chat/tokens`, { method: 'POST', headers: operator, body }),
      ];
      console.log(`[faults] 2 MB bodies: ${bodyAnswers.map((a) => `${a.status} (connection: ${a.headers.connection ?? 'keep-alive'})`).join(', ')}`);
      const recoveryMs = await stillServes();
      // Node answers 431 and closes at once; a client still writing its 64 KiB may see that as a reset instead.
      // Either way the request was refused unread — what matters is that the next request is served (stillServes).
      const refused = (a: { status: number; text: string }) => a.status === 431 || a.status === 400 || (a.status === 0 && /ECONNRESET|EPIPE/.test(a.text));
      const headersOk = headerAnswers.filter(refused).length;
      const bodiesOk = bodyAnswers.filter((a) => a.status === 413).length;
      table.record({ fault: 'oversized header (origin 64 KiB, edge 256 KiB)', trials: 2, passed: headersOk, worstRecoveryMs: recoveryMs, dataLost: 0, note: `${headerAnswers.map((a) => a.status).join(', ')}; edge at 64 KiB ${edgeUnderLimit.status}` });
      table.record({ fault: 'oversized JSON body (2 MB)', trials: 2, passed: bodiesOk, worstRecoveryMs: recoveryMs, dataLost: 0, note: bodyAnswers.map((a) => a.status).join(', ') });
      expect(headerAnswers.every(refused), headerAnswers.map(show).join('; ')).toBe(true);
      expect(edgeUnderLimit.status === 200 || edgeUnderLimit.status === 431 || edgeUnderLimit.status === 400).toBe(true);
      expect(bodyAnswers.map((a) => a.status), bodyAnswers.map(show).join('; ')).toEqual([413, 413]);
    });

    it('refuses malformed TUS headers without touching the stored bytes, then takes the upload', async () => {
      const { api, s3, table } = context();
      const video = await createVideo(api, 'malformed tus');
      const data = randomBytes(1000);
      const created = await rawRequest(video.uploadUrl, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(data.length) } });
      expect(created.status).toBe(201);
      const uploadUrl = new URL(String(created.headers.location), video.uploadUrl).toString();
      const patch = (headers: Record<string, string>, body: Buffer = data) => rawRequest(uploadUrl, { method: 'PATCH', headers: { 'Tus-Resumable': '1.0.0', 'Content-Type': 'application/offset+octet-stream', ...headers }, body });
      const cases: Array<[string, Promise<RawAnswer>, number[]]> = [
        ['negative Upload-Offset', patch({ 'Upload-Offset': '-1' }), [400]],
        ['overflowing Upload-Offset', patch({ 'Upload-Offset': '99999999999999999999' }), [400]],
        ['non-numeric Upload-Offset', patch({ 'Upload-Offset': '1e3' }), [400]],
        // TUS says 415; @tus/server answers 400 (its header check) or 403. Each is a clear refusal.
        ['wrong Content-Type', patch({ 'Upload-Offset': '0', 'Content-Type': 'text/plain' }), [400, 403, 415]],
        ['offset mismatch', patch({ 'Upload-Offset': '5' }, data.subarray(5)), [409]],
        ['missing Tus-Resumable', rawRequest(uploadUrl, { method: 'PATCH', headers: { 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }, body: data }), [412]],
        ['negative Upload-Length', rawRequest(video.uploadUrl, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '-5' } }), [400]],
        ['overflowing Upload-Length', rawRequest(video.uploadUrl, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '99999999999999999999' } }), [400]],
      ];
      const wrong: string[] = [];
      for (const [name, answer, expected] of cases) {
        const got = await answer;
        if (!expected.includes(got.status)) wrong.push(`${name}: ${show(got)}`);
      }
      const head = await rawRequest(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
      const started = performance.now();
      const good = await patch({ 'Upload-Offset': '0' });
      const recoveryMs = performance.now() - started;
      const stored = await rawDigest(s3, uploadUrl);
      table.record({ fault: 'malformed TUS headers', trials: cases.length, passed: cases.length - wrong.length, worstRecoveryMs: recoveryMs, dataLost: stored.sha256 === sha256(data) ? 0 : 1 });
      expect(wrong).toEqual([]);
      expect(head.headers['upload-offset']).toBe('0');
      expect(good.status).toBe(204);
      expect(stored).toEqual({ sha256: sha256(data), size: data.length });
    });

    it('refuses unsigned, forged, tampered and replayed Twitch webhooks with 403, and answers a signed one', async () => {
      const { stack, table, twitchSecret } = context();
      const url = `${originUrl(stack)}/v1/webhooks/twitch`;
      const body = JSON.stringify({ challenge: 'pong-123', subscription: { id: 'sub-1', type: 'stream.online', version: '1', condition: {} } });
      const signed = (id: string, at: Date, signedBody: string, sentBody = signedBody) => ({
        method: 'POST',
        body: sentBody,
        headers: {
          'content-type': 'application/json',
          'twitch-eventsub-message-id': id,
          'twitch-eventsub-message-timestamp': at.toISOString(),
          'twitch-eventsub-message-type': 'webhook_callback_verification',
          'twitch-eventsub-message-signature': `sha256=${createHmac('sha256', twitchSecret).update(id).update(at.toISOString()).update(signedBody).digest('hex')}`,
        },
      });
      const forged = signed('msg-forged', new Date(), body);
      forged.headers['twitch-eventsub-message-signature'] = `sha256=${'0'.repeat(64)}`;
      const refusals = [
        await rawRequest(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
        await rawRequest(url, forged),
        await rawRequest(url, signed('msg-tampered', new Date(), body, body.replace('pong-123', 'pong-999'))),
        await rawRequest(url, signed('msg-replayed', new Date(Date.now() - 11 * 60_000), body)),
      ];
      const started = performance.now();
      const good = await rawRequest(url, signed('msg-good', new Date(), body));
      const recoveryMs = performance.now() - started;
      table.record({ fault: 'unsigned/forged/tampered/replayed webhook', trials: refusals.length, passed: refusals.filter((a) => a.status === 403).length, worstRecoveryMs: recoveryMs, dataLost: 0 });
      expect(refusals.map((a) => a.status), refusals.map(show).join('; ')).toEqual([403, 403, 403, 403]);
      expect(good.status).toBe(200);
      expect(good.text).toBe('pong-123');
    });

    it('refuses heartbeats from a node it does not know, and keeps sending viewers to known nodes only', async () => {
      const { stack, table, ready } = context();
      const heartbeat = JSON.stringify({ id: 'rogue-node', url: 'http://203.0.113.9:8080', region: 'local', capacity: 1_000_000, load: { connections: 0, egressMbps: 0, cpu: 0 }, state: 'live' });
      const url = `${edgeUrl(stack)}/internal/nodes/heartbeat`;
      const refusals = [
        await rawRequest(url, { method: 'POST', body: heartbeat, headers: { 'content-type': 'application/json' } }),
        await rawRequest(url, { method: 'POST', body: heartbeat, headers: { 'content-type': 'application/json', authorization: `Bearer ${randomBytes(32).toString('base64url')}` } }),
        await rawRequest(url, { method: 'POST', body: heartbeat, headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.secrets.apiToken}` } }),
      ];
      const recoveryMs = await stillServes();
      const listed = (await (await fetch(`${edgeUrl(stack)}/internal/nodes`, { headers: { authorization: `Bearer ${stack.secrets.internalSecret}` } })).json()) as { nodes: Array<{ nodeId: string }> };
      const playlist = await (await fetch(ready.url.replace('master.m3u8', '360p/playlist.m3u8'))).text();
      table.record({ fault: 'heartbeat from an unknown node', trials: refusals.length, passed: refusals.filter((a) => a.status === 401).length, worstRecoveryMs: recoveryMs, dataLost: 0 });
      expect(refusals.map((a) => a.status), refusals.map(show).join('; ')).toEqual([401, 401, 401]);
      expect(listed.nodes.map((n) => n.nodeId)).not.toContain('rogue-node');
      expect(playlist).not.toContain('203.0.113.9');
    });
  });
}

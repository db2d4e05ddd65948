import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PULL_HEADERS, verifyPull } from '../../contracts/pull-signing.ts';
import { edgeFetch } from './helpers.ts';
import { makeSigner, MASTER, nowSeconds, putKeys, uniqueVideo, type Signer } from './playback-fixtures.ts';

let signer: Signer;

beforeAll(async () => {
  signer = await makeSigner('pull-signing-key');
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Answers like a private gateway: only pulls signed with the test secret get the file. */
function privateGateway(files: Record<string, string>): Array<{ path: string; ok: boolean }> {
  const seen: Array<{ path: string; ok: boolean }> = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    const verdict = await verifyPull({ method: init?.method ?? 'GET', path: url.pathname, expires: headers.get(PULL_HEADERS.expires), signature: headers.get(PULL_HEADERS.signature), secret: env.PULL_SECRET!, nowSeconds: nowSeconds() });
    seen.push({ path: url.pathname, ok: verdict.ok });
    if (!verdict.ok) return Response.json({ error: { code: verdict.code, message: verdict.message } }, { status: verdict.status });
    const body = files[url.pathname];
    return body === undefined ? new Response('no such object', { status: 404 }) : new Response(body, { headers: { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'no-store' } });
  });
  return seen;
}

describe('the edge pulls media from a private gateway', () => {
  it('has a pull secret in this tier (vitest.config.ts)', () => {
    expect(env.PULL_SECRET).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });

  it('signs each pull of a playlist and a thumbnail with PULL_SECRET', async () => {
    const video = uniqueVideo('signed');
    const seen = privateGateway({ [`/media/${video}/master.m3u8`]: MASTER, [`/media/${video}/thumbnail.jpg`]: 'jpeg bytes' });
    const token = await signer.sign({ sub: video });
    expect((await edgeFetch(`/v/${token}/master.m3u8`)).status).toBe(200);
    expect((await edgeFetch(`/v/${token}/thumbnail.jpg`)).status).toBe(200);
    expect(seen).toEqual([{ path: `/media/${video}/master.m3u8`, ok: true }, { path: `/media/${video}/thumbnail.jpg`, ok: true }]);
  });

  it('says which secret to set when the gateway refuses its pull', async () => {
    const video = uniqueVideo('refused');
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => Response.json({ error: { code: 'bad_pull_signature', message: 'no' } }, { status: 401 }));
    const response = await edgeFetch(`/v/${await signer.sign({ sub: video })}/master.m3u8`);
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('origin_refused_pull');
    expect(body.error.message).toMatch(/PULL_SECRET/);
  });
});

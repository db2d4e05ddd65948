import { beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../contracts/http.ts';
import { edgeFetch } from './helpers.ts';
import { makeSigner, nowSeconds, putKeys, type Signer } from './playback-fixtures.ts';

let signer: Signer;
const VIDEO = 'vid_watch1';
const html = { Accept: 'text/html,application/xhtml+xml' };

beforeAll(async () => {
  signer = await makeSigner('watch-key');
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
});

/** The JSON the page's scripts read, parsed out of the served HTML. */
function configOf(page: string): Record<string, any> {
  const match = /<script type="application\/json" id="watch-config">(.*?)<\/script>/s.exec(page);
  expect(match, 'the page carries #watch-config').not.toBeNull();
  return JSON.parse(match![1]!);
}

describe('GET /watch/:videoId', () => {
  it('refuses a browser without a token with a 401 page that says what to do', async () => {
    const response = await edgeFetch(`/watch/${VIDEO}`, { headers: html });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const page = await response.text();
    expect(page).toContain('needs a playback token');
    expect(page).not.toContain('/vendor/hls.min.js');
  });

  it('refuses a program without a token with the usual JSON error', async () => {
    const response = await edgeFetch(`/watch/${VIDEO}`);
    expect(response.status).toBe(401);
    expect(ApiErrorBody.parse(await response.json()).error.code).toBe('invalid_token');
  });

  it('refuses a token for another video (403) and an expired one (401)', async () => {
    const other = await signer.sign({ sub: 'vid_other' });
    expect((await edgeFetch(`/watch/${VIDEO}?token=${other}`, { headers: html })).status).toBe(403);
    const expired = await signer.sign({ sub: VIDEO, exp: nowSeconds() - 600 });
    const response = await edgeFetch(`/watch/${VIDEO}?token=${expired}`);
    expect(response.status).toBe(401);
    expect(ApiErrorBody.parse(await response.json()).error.message).toMatch(/expired/);
  });

  it('refuses a video id that cannot be one', async () => {
    const token = await signer.sign({ sub: VIDEO });
    expect((await edgeFetch(`/watch/${'x'.repeat(65)}?token=${token}`)).status).toBe(400);
  });

  it('serves the page with the video id, the playback URLs, labelled controls and a strict CSP', async () => {
    const token = await signer.sign({ sub: VIDEO });
    const response = await edgeFetch(`/watch/${VIDEO}?token=${token}`, { headers: html });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await response.text();
    const config = configOf(page);
    expect(config).toMatchObject({ videoId: VIDEO, playbackToken: token, masterUrl: `/v/${token}/master.m3u8`, thumbnailUrl: `/v/${token}/thumbnail.jpg`, storyboardVttUrl: `/v/${token}/storyboard.vtt`, beaconUrl: '/beacon', chat: { room: `video-${VIDEO}`, token: null } });
    expect(page).toContain(`poster="/v/${token}/thumbnail.jpg"`);
    expect(page).toContain('<script src="/vendor/hls.min.js" defer></script>');
    for (const [id, label] of [['play', 'Play'], ['mute', 'Mute'], ['fullscreen', 'Full screen']]) {
      expect(page, `#${id} labelled`).toMatch(new RegExp(`<button id="${id}"[^>]*aria-label="${label}"`));
    }
    expect(page).toContain('<label for="seek" class="visually-hidden">Seek</label>');
    expect(page).toContain('<label for="quality" class="visually-hidden">Quality</label>');
    // The watch link alone opens the room beside the video: the page joins it with the playback token.
    expect(page).toMatch(/<ol id="chat-log"[^>]*role="log"/);
  });

  it("joins the room the token's chat claim names: the channel's shared room, or none", async () => {
    const shared = await signer.sign({ sub: VIDEO, channel: 'my-show', chat: 'channel' });
    expect(configOf(await (await edgeFetch(`/watch/${VIDEO}?token=${shared}`, { headers: html })).text()).chat).toEqual({ room: 'channel-my-show', token: null });
    const off = await signer.sign({ sub: VIDEO, channel: 'my-show', chat: 'off' });
    const page = await (await edgeFetch(`/watch/${VIDEO}?token=${off}&chatToken=ignored`, { headers: html })).text();
    expect(configOf(page).chat).toBeNull();
    expect(page).toContain('This video has no chat.');
    expect(page).not.toContain('id="chat-log"');
  });

  it('opens the chat panel on the video room when a chat token comes with the page', async () => {
    const token = await signer.sign({ sub: VIDEO });
    const page = await (await edgeFetch(`/watch/${VIDEO}?token=${token}&chatToken=chat.jwt.here`, { headers: html })).text();
    expect(configOf(page).chat).toEqual({ room: `video-${VIDEO}`, token: 'chat.jwt.here' });
    expect(page).toMatch(/<ol id="chat-log"[^>]*role="log"[^>]*aria-live="polite"/);
    expect(page).toContain('<label id="chat-input-label" for="chat-input" class="visually-hidden">Message</label>');
  });

  it('keeps a hostile chat token inert inside the page', async () => {
    const token = await signer.sign({ sub: VIDEO });
    const hostile = '</script><script>alert(1)</script>';
    const page = await (await edgeFetch(`/watch/${VIDEO}?token=${token}&chatToken=${encodeURIComponent(hostile)}`, { headers: html })).text();
    expect(page).not.toContain('<script>alert(1)');
    expect(configOf(page).chat.token).toBe(hostile);
  });
});

describe('GET /vendor/hls.min.js', () => {
  it('serves hls.js as JavaScript, with an ETag that answers 304', async () => {
    const response = await edgeFetch('/vendor/hls.min.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    const script = await response.text();
    expect(script.length).toBeGreaterThan(100_000);
    expect(script).toContain('isSupported');
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"hls-[0-9a-f]+-\d+"$/);
    expect((await edgeFetch('/vendor/hls.min.js', { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });
});

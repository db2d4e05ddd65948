import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { edgeFetch } from './helpers.ts';
import { bodyText, makeSigner, MASTER, MEDIA, mockOrigin, playlist, putKeys, registerNode, uniqueVideo, type Signer } from './playback-fixtures.ts';
import { buildChain, putConfig, replace, uniqueChannel } from './config-fixtures.ts';

let signer: Signer;

beforeAll(async () => {
  signer = await makeSigner('config-key');
  expect((await putKeys({ keys: [signer.publicJwk] })).status).toBe(200);
  await registerNode('config-node');
});
afterEach(() => vi.restoreAllMocks());

const variantsOf = (text: string) => text.split('\n').filter((line) => line.endsWith('/playlist.m3u8'));

/** A channel whose configuration was pushed through PUT /internal/config, and a video of it behind a mocked origin. */
async function channelVideo(label: string, patches: Parameters<typeof buildChain>[1]) {
  const channel = uniqueChannel(label);
  const chain = await buildChain(channel, patches);
  for (const message of chain.messages) expect((await putConfig(chain.root, message)).status).toBe(200);
  const video = uniqueVideo(label);
  mockOrigin({ [`/media/${video}/master.m3u8`]: playlist(MASTER), [`/media/${video}/360p/playlist.m3u8`]: playlist(MEDIA) });
  return { channel, video };
}

describe('playback follows the channel configuration named by the token', () => {
  it('maxResolution caps the master, and the token maxHeight still applies when lower', async () => {
    const { channel, video } = await channelVideo('cap', [replace('/playback/maxResolution', 720)]);
    const capped = await edgeFetch(`/v/${await signer.sign({ sub: video, channel })}/master.m3u8`);
    expect(capped.status).toBe(200);
    expect(variantsOf(await bodyText(capped))).toEqual(['360p/playlist.m3u8', '720p/playlist.m3u8']);
    const lower = await edgeFetch(`/v/${await signer.sign({ sub: video, channel, maxHeight: 360 })}/master.m3u8`);
    expect(variantsOf(await bodyText(lower))).toEqual(['360p/playlist.m3u8']);
    const higher = await edgeFetch(`/v/${await signer.sign({ sub: video, channel, maxHeight: 1080 })}/master.m3u8`);
    expect(variantsOf(await bodyText(higher))).toEqual(['360p/playlist.m3u8', '720p/playlist.m3u8']);
    // Without a channel claim the configuration does not apply.
    const unbound = await edgeFetch(`/v/${await signer.sign({ sub: video })}/master.m3u8`);
    expect(variantsOf(await bodyText(unbound))).toHaveLength(3);
  });

  it('a channel with no stored configuration plays with the defaults (1080p, any origin)', async () => {
    const video = uniqueVideo('defaults');
    mockOrigin({ [`/media/${video}/master.m3u8`]: playlist(MASTER) });
    const response = await edgeFetch(`/v/${await signer.sign({ sub: video, channel: uniqueChannel('never-set') })}/master.m3u8`, { headers: { Origin: 'https://any.example' } });
    expect(variantsOf(await bodyText(response))).toHaveLength(3);
  });

  it('allowedPlayerOrigins refuses playlists to other Origin headers with 403; no Origin header is allowed', async () => {
    const { channel, video } = await channelVideo('origins', [replace('/playback/allowedPlayerOrigins', ['https://player.example.com'])]);
    const token = await signer.sign({ sub: video, channel });
    const master = (origin?: string) => edgeFetch(`/v/${token}/master.m3u8`, origin ? { headers: { Origin: origin } } : {});
    expect((await master('https://player.example.com')).status).toBe(200);
    expect((await master('https://PLAYER.example.com')).status).toBe(200);
    expect((await master()).status).toBe(200);
    const denied = await master('https://evil.example');
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('player_origin_denied');
    const media = await edgeFetch(`/v/${token}/360p/playlist.m3u8`, { headers: { Origin: 'https://evil.example' } });
    expect(media.status).toBe(403);
    expect((await edgeFetch(`/v/${token}/360p/playlist.m3u8`, { headers: { Origin: 'https://player.example.com' } })).status).toBe(200);
  });

  it('refuses a token whose channel claim is not a channel id', async () => {
    const response = await edgeFetch(`/v/${await signer.sign({ sub: uniqueVideo('bad'), channel: 'no spaces allowed' })}/master.m3u8`);
    expect(response.status).toBe(401);
  });
});

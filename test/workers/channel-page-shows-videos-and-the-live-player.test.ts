import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChannelPageData } from '../../contracts/channels.ts';
import { edgeFetch } from './helpers.ts';

const html = { Accept: 'text/html' };
const channelPage = (id: string, patch: Partial<ChannelPageData> = {}): ChannelPageData => ({
  channel: { id, title: 'Raid night', description: 'Weekly raids', avatarUrl: 'https://cdn.example/avatar.png' },
  videos: [
    { id: 'vid_new', title: 'Newest <b>clip</b>', durationSeconds: 125, createdAt: '2026-01-02T00:00:00.000Z', token: 'tok.new' },
    { id: 'vid_old', title: 'Older clip', durationSeconds: 3725, createdAt: '2026-01-01T00:00:00.000Z', token: 'tok.old' },
  ],
  live: null,
  ...patch,
});

/** The origin's `/internal/channels/{id}/page`, answering `answer` and keeping what the edge sent. */
function originAnswers(answer: (path: string) => Response) {
  const asked: Array<{ path: string; authorization: string | null }> = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const path = url.slice(env.ORIGIN_URL.length);
    asked.push({ path, authorization: new Headers(init?.headers).get('authorization') });
    return answer(path);
  });
  return asked;
}
const configOf = (page: string) => JSON.parse(/<script type="application\/json" id="watch-config">(.*?)<\/script>/s.exec(page)![1]!);

afterEach(() => vi.restoreAllMocks());

describe('GET /c/{channel}', () => {
  it('shows an offline channel: its header, "Offline", and its latest public videos as watch links with thumbnails', async () => {
    const asked = originAnswers(() => Response.json(channelPage('offline-1')));
    const response = await edgeFetch('/c/offline-1', { headers: html });
    expect(response.status).toBe(200);
    expect(asked).toEqual([{ path: '/internal/channels/offline-1/page', authorization: `Bearer ${env.INTERNAL_SECRET}` }]);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('content-security-policy')).toContain("img-src 'self' data: blob: https: http:");
    const page = await response.text();
    expect(page).toContain('<h1 class="channel-title">Raid night</h1>');
    expect(page).toContain('<img class="channel-avatar" src="https://cdn.example/avatar.png"');
    expect(page).toContain('data-on-air="false">Offline</p>');
    expect(page).toContain('href="/watch/vid_new?token=tok.new"');
    expect(page).toContain('src="/v/tok.new/thumbnail.jpg"');
    expect(page).toContain('Newest &#60;b&#62;clip&#60;/b&#62;');
    expect(page).toContain('<span class="video-duration">2:05</span>');
    expect(page).toContain('<span class="video-duration">1:02:05</span>');
    expect(page.indexOf('vid_new')).toBeLessThan(page.indexOf('vid_old'));
    expect(page).not.toContain('id="watch-config"');
  });

  it("plays the live input with the channel's chat beside it while the channel is on air, the videos below", async () => {
    originAnswers(() => Response.json(channelPage('onair-1', { live: { inputId: 'live_abc', title: 'Morning show', token: 'tok.live' } })));
    const page = await (await edgeFetch('/c/onair-1', { headers: html })).text();
    expect(page).toContain('data-on-air="true">LIVE · Morning show</p>');
    expect(configOf(page)).toMatchObject({ videoId: 'live_abc', live: true, masterUrl: '/v/tok.live/master.m3u8', playbackToken: 'tok.live', chat: { room: 'channel-onair-1', token: null } });
    expect(page).toContain('<script type="module" src="/player/main.js"></script>');
    expect(page.indexOf('<main class="watch">')).toBeLessThan(page.indexOf('Latest videos'));
  });

  it('says "No videos yet" for a channel without public videos', async () => {
    originAnswers(() => Response.json(channelPage('empty-1', { videos: [] })));
    expect(await (await edgeFetch('/c/empty-1', { headers: html })).text()).toContain('No videos yet.');
  });

  it('answers 404 for an unknown channel, 400 for an impossible id, and a polite 502 when the origin fails or answers nonsense', async () => {
    originAnswers((path) => (path.includes('nobody') ? Response.json({ error: { code: 'not_found', message: 'no channel' } }, { status: 404 }) : Response.json({ nonsense: true })));
    const missing = await edgeFetch('/c/nobody', { headers: html });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('There is no channel nobody here.');
    expect((await edgeFetch(`/c/${'x'.repeat(57)}`)).status).toBe(400);
    const broken = await edgeFetch('/c/broken-1');
    expect(broken.status).toBe(502);
    expect(await broken.json()).toMatchObject({ error: { code: 'origin_unavailable' } });
  });

  it('asks the origin once for viewers of one channel within a few seconds (PAGE_MEMO_MS)', async () => {
    const asked = originAnswers(() => Response.json(channelPage('busy-1')));
    for (let i = 0; i < 3; i += 1) expect((await edgeFetch('/c/busy-1', { headers: html })).status).toBe(200);
    expect(asked).toHaveLength(1);
  });
});

// Bench-only worker (bench/edge-playlist-rps.ts bundles and runs it beside the real edge): the baseline of
// edge-playlist-rps. Same route shape and the same edge-cached origin fetch, but no token check, no node
// choice and no rewrite: the playlist goes back as the origin wrote it. Never deployed; not in wrangler.toml.
// Only handlers may be exported from a worker entry; the video (the real edge reads it from the token) is a var.
import { fetchOriginPlaylist, mediaSourceOf } from '../../edge/src/playback/origin-fetch.ts';

const MEDIA_PLAYLIST = /^\/v\/[^/]+\/([A-Za-z0-9_-]{1,32})\/playlist\.m3u8$/;

// The Workers Cache API's default cache, as the real edge uses it.
const edgeCache = (): Cache | null => (typeof caches === 'undefined' ? null : caches.default);

export default {
  async fetch(request: Request, env: { ORIGIN_URL: string; BENCH_VIDEO_ID: string }): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === '/healthz') return new Response('ok');
    const rendition = MEDIA_PLAYLIST.exec(path)?.[1];
    if (!rendition) return new Response('not found', { status: 404 });
    const origin = await fetchOriginPlaylist(mediaSourceOf(env), `/media/${env.BENCH_VIDEO_ID}/${rendition}/playlist.m3u8`, edgeCache());
    if (!origin.ok) return new Response(origin.message, { status: origin.status });
    return new Response(origin.text, { headers: { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': `public, max-age=${origin.maxAgeSeconds}` } });
  },
};

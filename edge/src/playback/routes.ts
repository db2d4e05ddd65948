import { Hono, type Context } from 'hono';
import { NAME_PATTERN } from '../../../contracts/ids.ts';
import { channelPlaybackLimits } from '../channel-config/playback-config.ts';
import { kvCacheMs } from '../kv-read-cache.ts';
import { listNodesMemoised } from '../nodes/registry.ts';
import { EdgeError } from '../http/errors.ts';
import { requirePlaybackToken, type PlaybackApp } from './authorize.ts';
import { viewerCacheControl } from './cache-control.ts';
import { chooseNode } from './choose-node.ts';
import { deliveryDirectives } from './delivery-directives.ts';
import { fetchOrigin, fetchOriginPlaylist, mediaSourceOf, type OriginFailure } from './origin-fetch.ts';
import { liveMasterRefusal } from './origin-refusal.ts';
import { rewriteMaster } from './rewrite-master.ts';
import { rewriteMedia } from './rewrite-media.ts';
import { RewriteMemo } from './rewrite-memo.ts';
import { assertSegmentTokenSecret, LIVE_MEDIA_FOLDER, segmentTokenExpiry, signSegmentToken } from './segment-token.ts';

/**
 * `/v/{token}/…`: the viewer's door. The token names the video (`sub`); nothing else in the URL can change it.
 * A `live` token names a live input: its master and its broadcasts' playlists (`b{n}/{rung}/playlist.m3u8`) come
 * from the gateway's /media/live/{sub}/, rewritten exactly as a video's, cached no longer than the gateway's 1 s.
 */
export const playbackRoutes = new Hono<PlaybackApp>();

const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';

playbackRoutes.use('/:token/*', requirePlaybackToken());

/** `b{n}`: a broadcast's folder under a live input (contracts/live.ts broadcastFolder). */
const BROADCAST_FOLDER = /^b[1-9]\d{0,8}$/;

/** Where the token's playlists live on the gateway: a video's folder, or a live input's under /media/live/. */
const originFolder = (claims: { sub: string; live?: true }) => (claims.live ? `/media/${LIVE_MEDIA_FOLDER}/${claims.sub}/` : `/media/${claims.sub}/`);

const rewrites = new RewriteMemo();

const refuse = (failure: OriginFailure): never => {
  throw new EdgeError(failure.status, failure.code, failure.message, failure.headers);
};
const edgeCache = (): Cache | null => (typeof caches === 'undefined' ? null : caches.default);

playbackRoutes.get('/:token/master.m3u8', async (c) => {
  const claims = c.get('claims');
  const { maxHeight } = await channelPlaybackLimits(c.env.CONFIG, claims, c.req.header('Origin'));
  const master = await fetchOriginPlaylist(mediaSourceOf(c.env), `${originFolder(claims)}master.m3u8`, edgeCache());
  if (!master.ok) return refuse(claims.live ? { ...master, ...liveMasterRefusal(master) } : master);
  const rewritten = rewriteMaster(master.text, { tokenPath: `/v/${c.req.param('token')}/`, maxHeight });
  if (!rewritten.ok) throw new EdgeError(502, 'bad_origin_playlist', `the origin's master playlist is malformed: ${rewritten.error}`);
  return c.body(rewritten.text, 200, { 'Content-Type': PLAYLIST_TYPE, 'Cache-Control': viewerCacheControl(master.maxAgeSeconds, claims.exp, Date.now()) });
});

playbackRoutes.get('/:token/:rendition/playlist.m3u8', async (c) => {
  const claims = c.get('claims');
  if (claims.live) throw new EdgeError(404, 'not_found', 'a live rendition playlist is /v/{token}/b{n}/{rendition}/playlist.m3u8, as the master names it');
  const rendition = c.req.param('rendition');
  if (!NAME_PATTERN.test(rendition)) throw new EdgeError(404, 'not_found', 'a rendition name is 1-32 characters of A-Z, a-z, 0-9, _ or -');
  return serveMediaPlaylist(c, `${rendition}/`);
});

playbackRoutes.get('/:token/:broadcast/:rendition/playlist.m3u8', async (c) => {
  const claims = c.get('claims');
  if (!claims.live) throw new EdgeError(404, 'not_found', 'a rendition playlist is /v/{token}/{rendition}/playlist.m3u8');
  const broadcast = c.req.param('broadcast');
  const rendition = c.req.param('rendition');
  if (!BROADCAST_FOLDER.test(broadcast) || !NAME_PATTERN.test(rendition)) throw new EdgeError(404, 'not_found', 'a live rendition playlist is /v/{token}/b{n}/{rendition}/playlist.m3u8, with a rendition name of 1-32 characters of A-Z, a-z, 0-9, _ or -');
  return serveMediaPlaylist(c, `${broadcast}/${rendition}/`);
});

/** A media playlist from the origin, its segments sent to the node chosen for this viewer with a segment token. */
async function serveMediaPlaylist(c: Context<PlaybackApp>, folder: string): Promise<Response> {
  const claims = c.get('claims');
  const videoId = claims.sub;
  await channelPlaybackLimits(c.env.CONFIG, claims, c.req.header('Origin'));
  const secret = segmentTokenSecret(c.env.NODE_KEY);
  // LL-HLS blocking reload: checked here (a malformed one never reaches the origin), forwarded alone, never cached.
  const directives = deliveryDirectives(new URL(c.req.url).searchParams);
  if (!directives.ok) throw new EdgeError(400, 'bad_delivery_directive', `${directives.message} (LL-HLS blocking reload, RFC 8216bis §6.2.5.2)`);
  const blockingQuery = directives.blocking ? directives.query : undefined;
  const mediaPathPrefix = `${originFolder(claims)}${folder}`;
  const [playlist, nodes] = await Promise.all([fetchOriginPlaylist(mediaSourceOf(c.env), `${mediaPathPrefix}playlist.m3u8`, edgeCache(), blockingQuery), listNodesMemoised(c.env.NODES, kvCacheMs(c.env.KV_CACHE_MS))]);
  if (!playlist.ok) return refuse(playlist);

  const node = chooseNode(nodes, videoId, { viewerRegion: () => c.get('viewer').region });
  if (!node) {
    const cause = nodes.length === 0 ? `no CDN node has sent a heartbeat within its liveness bound` : `all ${nodes.length} registered CDN nodes are draining`;
    throw new EdgeError(503, 'no_cdn_node', `no live CDN node to serve segments: ${cause} (check the node agents and GET /internal/nodes)`, { 'Retry-After': '5' });
  }
  const now = Date.now();
  const segmentQuery = (durationSeconds: number) => signSegmentToken({ videoId, secret, live: claims.live, expires: segmentTokenExpiry(now, durationSeconds) }).query;
  // The prefix names the video (or live input) and rendition; the node its URL: together, the bytes of the answer.
  const memoKey = `${node.url}\n${mediaPathPrefix}`;
  let body: string;
  // A blocking reload's answer is rewritten for it alone: it neither reads nor feeds the memo.
  const memoised = blockingQuery === undefined ? rewrites.get(memoKey, playlist.text) : undefined;
  // Same video, expiry and key: the same segment token, so a hit signs nothing (an MD5 per playlist otherwise).
  if (memoised && memoised.secret === secret && segmentTokenExpiry(now, memoised.durationSeconds) === memoised.expires) {
    body = memoised.body;
  } else {
    const rewritten = rewriteMedia(playlist.text, { nodeBaseUrl: node.url, mediaPathPrefix, segmentQuery: ({ durationSeconds }) => segmentQuery(durationSeconds) });
    if (!rewritten.ok) throw new EdgeError(502, 'bad_origin_playlist', `the origin's ${folder.slice(0, -1)} playlist is malformed: ${rewritten.error}`);
    body = rewritten.text;
    const { durationSeconds } = rewritten;
    if (blockingQuery === undefined) rewrites.set(memoKey, { source: playlist.text, expires: segmentTokenExpiry(now, durationSeconds), secret, durationSeconds, body });
  }
  return c.body(body, 200, {
    'Content-Type': PLAYLIST_TYPE,
    'Cache-Control': blockingQuery === undefined ? viewerCacheControl(playlist.maxAgeSeconds, claims.exp, now) : 'no-store',
    // Which node this viewer was sent to: for operators following a request, not a secret.
    'X-Vora-Cdn-Node': node.nodeId,
  });
}

/** Images and the storyboard's WebVTT: streamed from the origin gateway as they come, never buffered. */
async function streamFromOrigin(c: Context<PlaybackApp>, file: string): Promise<Response> {
  const claims = c.get('claims');
  if (claims.live) throw new EdgeError(404, 'not_found', `a live stream has no ${file}; its recording, once the broadcast ends, is a video with one`);
  const fetched = await fetchOrigin(mediaSourceOf(c.env), `/media/${claims.sub}/${file}`);
  if (!fetched.ok) return refuse(fetched);
  const headers = new Headers({ 'Cache-Control': viewerCacheControl(Number.POSITIVE_INFINITY, claims.exp, Date.now()) });
  for (const name of ['Content-Type', 'Content-Length', 'ETag', 'Last-Modified']) {
    const value = fetched.response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(fetched.response.body, { status: 200, headers });
}

for (const file of ['thumbnail.jpg', 'storyboard.jpg', 'storyboard.vtt']) {
  playbackRoutes.get(`/:token/${file}`, (c) => streamFromOrigin(c, file));
}

function segmentTokenSecret(secret: string | undefined): string {
  const fix = 'set NODE_KEY (the same key every CDN node verifies with): the local stack writes it to {dataDir}/edge.dev.vars; production: `wrangler secret put NODE_KEY`';
  if (!secret) throw new EdgeError(500, 'misconfigured', `NODE_KEY is not set on the edge: ${fix}`);
  try {
    assertSegmentTokenSecret(secret);
  } catch (error) {
    throw new EdgeError(500, 'misconfigured', `NODE_KEY is unusable (${error instanceof Error ? error.message : String(error)}): ${fix}`);
  }
  return secret;
}

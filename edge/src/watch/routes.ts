import { Hono, type Context } from 'hono';
import { PLAYBACK_REFUSAL_CODE } from '../../../contracts/http.ts';
import { ID_PATTERN } from '../../../contracts/ids.ts';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { readPlaybackKeys } from '../keys/store.ts';
import { verifyPlaybackToken } from '../playback/claims.ts';
import { viewerOf } from '../playback/viewer.ts';
import { hlsScript } from './hls-vendor.ts';
import { WATCH_PAGE_CSP } from './html.ts';
import { renderRefusalPage, renderWatchPage, watchConfig } from './page.ts';

/** `GET /watch/{videoId}?token=…[&chatToken=…]` (the page) and `GET /vendor/hls.min.js` (its player library). */
export const watchRoutes = new Hono<EdgeApp>();

const wantsHtml = (c: Context<EdgeApp>) => (c.req.header('Accept') ?? '').includes('text/html');

/** A person gets a page that says what happened; a program gets the usual `{error:{code,message}}`. */
function refuse(c: Context<EdgeApp>, status: 400 | 401 | 403 | 503, code: string, title: string, message: string): Response {
  if (!wantsHtml(c)) throw new EdgeError(status, code, message, { 'Cache-Control': 'no-store' });
  return c.html(renderRefusalPage(title, message), status, { 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'self'" });
}

watchRoutes.get('/watch/:videoId', async (c) => {
  const videoId = c.req.param('videoId');
  if (!ID_PATTERN.test(videoId)) return refuse(c, 400, 'invalid_video_id', 'No such video', 'A video id is 1-64 characters of A-Z, a-z, 0-9, _ or -.');
  const token = c.req.query('token');
  if (!token) {
    return refuse(c, 401, 'invalid_token', 'This link needs a playback token', 'Open the full watch link you were given (it ends in ?token=…); `vora sign VIDEO` makes one.');
  }
  const keys = await readPlaybackKeys(c.env.KEYS);
  if (!keys.ok) return refuse(c, 503, keys.code, 'Playback is not available right now', 'The edge has no playback keys yet. Please try again in a minute.');
  const check = await verifyPlaybackToken(token, { jwks: keys.jwks, now: Date.now(), videoId, ...viewerOf(c.req.raw) });
  if (!check.ok) {
    const title = check.status === 403 ? 'This video is not available here' : 'This watch link does not work';
    return refuse(c, check.status, PLAYBACK_REFUSAL_CODE[check.status], title, `The link was refused: ${check.reason}. Ask for a fresh link.`);
  }
  const config = watchConfig({ videoId, token, chatToken: c.req.query('chatToken'), live: check.claims.live, channel: check.claims.channel, chat: check.claims.chat });
  return c.html(renderWatchPage(config), 200, {
    // The URL carries a token: never shared caches, and gone from the browser cache when the tab goes.
    'Cache-Control': 'private, no-store',
    'Content-Security-Policy': WATCH_PAGE_CSP,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
});

watchRoutes.get('/vendor/hls.min.js', (c) => {
  const script = hlsScript();
  const headers = { 'Content-Type': 'text/javascript; charset=utf-8', ETag: script.etag, 'Cache-Control': 'public, max-age=3600' };
  if (c.req.header('If-None-Match') === script.etag) return c.body(null, 304, headers);
  return c.body(script.text, 200, headers);
});

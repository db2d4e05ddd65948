import { Hono } from 'hono';
import { ChannelSlug } from '../../../contracts/channels.ts';
import type { EdgeApp } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { WATCH_PAGE_CSP } from '../watch/html.ts';
import { renderRefusalPage } from '../watch/page.ts';
import { fetchChannelPage } from './page-data.ts';
import { renderChannelPage } from './render.ts';

/** `GET /c/{channel}`: the channel page (header, live player and chat while on air, latest public videos). */
export const channelPageRoutes = new Hono<EdgeApp>();

// The watch page's policy, with avatars from any http(s) host (an operator's choice of URL).
const CHANNEL_PAGE_CSP = WATCH_PAGE_CSP.replace("img-src 'self' data: blob:", "img-src 'self' data: blob: https: http:");

channelPageRoutes.get('/:channel', async (c) => {
  const wantsHtml = (c.req.header('Accept') ?? '').includes('text/html');
  const refuse = (status: 400 | 404 | 502 | 503 | 504, code: string, title: string, message: string) => {
    if (!wantsHtml) throw new EdgeError(status, code, message, { 'Cache-Control': 'no-store' });
    return c.html(renderRefusalPage(title, message), status, { 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'self'" });
  };
  const id = c.req.param('channel');
  if (!ChannelSlug.safeParse(id).success) return refuse(400, 'invalid_channel', 'No such channel', 'A channel id is 1-56 characters of A-Z, a-z, 0-9, _ or -.');
  const result = await fetchChannelPage(c.env, id);
  if (!result.ok && result.status === 404) return refuse(404, 'not_found', 'No such channel', `There is no channel ${id} here. Check the link.`);
  if (!result.ok) {
    console.error(JSON.stringify({ event: 'edge.channel_page_failed', channelId: id, status: result.status, reason: result.reason }));
    return refuse(result.status, 'origin_unavailable', 'This channel is not available right now', 'Please try again in a minute.');
  }
  return c.html(renderChannelPage(result.page), 200, {
    // It carries watch tokens: never in a shared cache.
    'Cache-Control': 'private, no-store',
    'Content-Security-Policy': CHANNEL_PAGE_CSP,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
});

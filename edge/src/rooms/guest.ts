import type { JSONWebKeySet } from 'jose';
import { parseGuestName, type ChatGuest, type ChatUser } from '../../../contracts/chat.ts';
import { watchRoom } from '../../../contracts/playback-token.ts';
import { verifyPlaybackToken } from '../playback/claims.ts';
import type { Viewer } from '../playback/viewer.ts';

export type GuestCheck =
  | { ok: true; user: ChatUser; guest: ChatGuest }
  | { ok: false; status: 400 | 401 | 403 | 503; code: string; reason: string };

export interface GuestRequest {
  jwks: JSONWebKeySet;
  now: number;
  room: string;
  viewer: Viewer;
  /** `?name=`: absent = read only. */
  name: string | undefined;
  /** `?viewer=`: a browser's own random id, so two people on one network are two guests. */
  viewerId: string | undefined;
  /** Keys the guest hashes (the edge's INTERNAL_SECRET): ids cannot be traced back to an IP without it. */
  secret: string;
}

const VIEWER_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** HMAC-SHA-256 of `parts`, base64url, cut to `length` characters. */
async function keyedHash(secret: string, parts: string[], length: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(parts.join('\u0000'))));
  return btoa(String.fromCharCode(...mac)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '').slice(0, length);
}

/**
 * A guest of the room beside what a playback token plays: the token must verify (keys, expiry, its country and IP
 * rules) and its `watchRoom` must be this room. The guest's id is a keyed hash of the room, the viewer's IP and the
 * browser's id; their network a keyed hash of the room and IP. Never throws.
 */
export async function checkGuest(token: string, request: GuestRequest): Promise<GuestCheck> {
  const checked = await verifyPlaybackToken(token, { jwks: request.jwks, now: request.now, country: request.viewer.country, clientIp: request.viewer.clientIp });
  if (!checked.ok) return { ok: false, status: checked.status, code: checked.status === 503 ? 'bad_playback_keys' : 'unauthorized', reason: `playback token refused: ${checked.reason}` };
  const room = watchRoom(checked.claims);
  if (room !== request.room) {
    const reason = room === null ? 'the video of this playback token has no chat' : `this playback token opens the chat beside what it plays (${room}), not ${request.room}`;
    return { ok: false, status: 403, code: 'forbidden', reason };
  }
  let name: string | undefined;
  if (request.name !== undefined) {
    const parsed = parseGuestName(request.name);
    if (!parsed.ok) return { ok: false, status: 400, code: 'invalid_name', reason: parsed.reason };
    name = parsed.name;
  }
  // Without Cloudflare's CF-Connecting-IP (a bare workerd) every guest is on one network: the shared bucket is then strict, never loose.
  const ip = request.viewer.clientIp ?? 'unknown';
  const browser = request.viewerId !== undefined && VIEWER_ID.test(request.viewerId) ? request.viewerId : crypto.randomUUID();
  const [id, network] = await Promise.all([keyedHash(request.secret, ['guest', room, ip, browser], 22), keyedHash(request.secret, ['network', room, ip], 22)]);
  return { ok: true, user: { id: `guest-${id}`, name: name ?? 'Guest', role: 'guest' }, guest: { network, named: name !== undefined } };
}

import { importJWK, SignJWT, type JWK } from 'jose';
import type { VideoChatRoom } from '../../../contracts/channels.ts';
import { PlaybackClaims } from '../../../contracts/playback-token.ts';

export interface PlaybackTokenRequest {
  videoId: string;
  ttlSeconds: number;
  countries?: { allow?: string[]; block?: string[] };
  ipRanges?: string[];
  maxHeight?: number;
  /** The video's channel: the edge then applies that channel's playback configuration. */
  channel?: string;
  /** `videoId` is a live input's id: the token opens its live playlists (contracts/playback-token.ts `live`). */
  live?: boolean;
  /** Which room the watch page joins (contracts/playback-token.ts `watchRoom`). */
  chat?: VideoChatRoom;
}

/** Signs a playback token the edge accepts: ES256 with `kid`, claims in the contract's schema (contracts/playback-token.ts). */
export async function mintPlaybackToken(key: { kid: string; privateJwk: JWK }, request: PlaybackTokenRequest, nowMs = Date.now()): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(nowMs / 1000);
  const claims = PlaybackClaims.parse({
    sub: request.videoId,
    iat,
    exp: iat + request.ttlSeconds,
    ...(request.countries ? { countries: request.countries } : {}),
    ...(request.ipRanges ? { ipRanges: request.ipRanges } : {}),
    ...(request.maxHeight ? { maxHeight: request.maxHeight } : {}),
    ...(request.channel ? { channel: request.channel } : {}),
    ...(request.live ? { live: true } : {}),
    ...(request.chat ? { chat: request.chat } : {}),
  });
  const privateKey = await importJWK(key.privateJwk, 'ES256');
  const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' }).sign(privateKey);
  return { token, expiresAt: new Date(claims.exp * 1000) };
}

/** Every door of the origin and the edge that takes an id, key or file name, and the statuses a refusal may have. */
import { edgeUrl, originUrl, type DevStack } from '../../support/dev-stack.ts';
import { rawRequest, type RawAnswer } from './raw-http.ts';

export interface Door {
  name: string;
  base: 'origin' | 'edge';
  method: string;
  /** The path with `{x}` where the hostile text goes (sent raw, unnormalised). */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const websocketUpgrade = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' };

export function hostileDoors(stack: DevStack, readyVideoId: string, playbackToken: string): Door[] {
  const operator = { authorization: `Bearer ${stack.secrets.apiToken}`, 'content-type': 'application/json' };
  const internal = { authorization: `Bearer ${stack.secrets.internalSecret}` };
  // The gateway is private: operators read it with their token, so hostile names reach its path checks.
  const mediaReader = { authorization: `Bearer ${stack.secrets.apiToken}` };
  return [
    { name: 'GET /v1/videos/:id', base: 'origin', method: 'GET', path: '/v1/videos/{x}', headers: operator },
    { name: 'DELETE /v1/videos/:id', base: 'origin', method: 'DELETE', path: '/v1/videos/{x}', headers: operator },
    { name: 'POST /v1/videos/:id/token', base: 'origin', method: 'POST', path: '/v1/videos/{x}/token', headers: operator, body: '{}' },
    { name: 'POST /v1/videos/:id/upload-url', base: 'origin', method: 'POST', path: '/v1/videos/{x}/upload-url', headers: operator },
    { name: 'DELETE /v1/keys/:kid', base: 'origin', method: 'DELETE', path: '/v1/keys/{x}', headers: operator },
    { name: 'POST /v1/nodes/:id/drain', base: 'origin', method: 'POST', path: '/v1/nodes/{x}/drain', headers: operator },
    { name: 'GET /v1/channels/:id/config', base: 'origin', method: 'GET', path: '/v1/channels/{x}/config', headers: operator },
    { name: 'HEAD /v1/uploads/:id', base: 'origin', method: 'HEAD', path: '/v1/uploads/{x}', headers: { 'Tus-Resumable': '1.0.0' } },
    { name: 'PATCH /v1/uploads/:id', base: 'origin', method: 'PATCH', path: '/v1/uploads/{x}', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }, body: 'bytes' },
    { name: 'GET /media/:id/master.m3u8', base: 'origin', method: 'GET', path: '/media/{x}/master.m3u8', headers: mediaReader },
    { name: 'GET /media/:id/:rendition/playlist.m3u8', base: 'origin', method: 'GET', path: `/media/${readyVideoId}/{x}/playlist.m3u8`, headers: mediaReader },
    { name: 'GET /media/:id/:rendition/:file', base: 'origin', method: 'GET', path: `/media/${readyVideoId}/360p/{x}`, headers: mediaReader },
    { name: 'GET /media/:id/:file', base: 'origin', method: 'GET', path: `/media/${readyVideoId}/{x}`, headers: mediaReader },
    { name: 'GET /v/:token/master.m3u8', base: 'edge', method: 'GET', path: '/v/{x}/master.m3u8' },
    { name: 'GET /v/:token/:rendition/playlist.m3u8', base: 'edge', method: 'GET', path: `/v/${playbackToken}/{x}/playlist.m3u8` },
    { name: 'GET /v/:token/:file', base: 'edge', method: 'GET', path: `/v/${playbackToken}/{x}` },
    { name: 'GET /rooms/:room/ws', base: 'edge', method: 'GET', path: '/rooms/{x}/ws?token=t', headers: websocketUpgrade },
    { name: 'GET /watch/:id', base: 'edge', method: 'GET', path: '/watch/{x}?token=t' },
    { name: 'POST /internal/nodes/:id/drain', base: 'edge', method: 'POST', path: '/internal/nodes/{x}/drain', headers: internal },
  ];
}

export function knock(stack: DevStack, door: Door, hostile: string): Promise<RawAnswer> {
  const base = door.base === 'origin' ? originUrl(stack) : edgeUrl(stack);
  return rawRequest(base, { method: door.method, path: door.path.replace('{x}', hostile), headers: door.headers, body: door.body });
}

/**
 * Dot segments (`..`, `%2e%2e`) are resolved by the URL standard before any router sees them: the request
 * then names another route (`/watch/..` is `/`), which may answer it normally. Such a knock never reached this door.
 */
export function leavesDoor(door: Door, hostile: string): boolean {
  const prefix = door.path.split('{x}')[0]!;
  return !new URL(door.path.replace('{x}', hostile), 'http://127.0.0.1').pathname.startsWith(prefix);
}

/** A clear refusal: a 4xx, and (except for HEAD, which has no body) our JSON error shape with a code. */
export function isClearRefusal(door: Door, answer: RawAnswer): boolean {
  if (answer.status < 400 || answer.status > 499) return false;
  if (door.method === 'HEAD') return true;
  try {
    return typeof JSON.parse(answer.text).error?.code === 'string';
  } catch {
    return false;
  }
}

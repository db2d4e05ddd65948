import { nodeHeartbeatToken } from '../../edge/src/nodes/node-token.ts';
import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { vi } from 'vitest';
import { NODE_KEY_PREFIX, type NodeHeartbeat } from '../../contracts/nodes.ts';
import { edgeFetch } from './helpers.ts';

// Shared by the playback-* and keys-* workers tests: keys, tokens, nodes and a mocked origin gateway.

export const auth = () => ({ Authorization: `Bearer ${env.INTERNAL_SECRET}` });
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface Signer {
  kid: string;
  publicJwk: JWK;
  privateJwk: JWK;
  sign(claims: JWTPayload, header?: { alg?: string; kid?: string }): Promise<string>;
}

/** An ES256 key pair, as the origin's POST /v1/keys would make it. */
export async function makeSigner(kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  return {
    kid,
    publicJwk,
    privateJwk,
    sign: (claims, header = {}) =>
      new SignJWT({ exp: nowSeconds() + 3600, ...claims }).setProtectedHeader({ alg: header.alg ?? 'ES256', kid: header.kid ?? kid }).sign(privateKey),
  };
}

export function putKeys(body: unknown, headers: Record<string, string> = auth()): Promise<Response> {
  return edgeFetch('/internal/keys', { method: 'PUT', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export async function registerNode(nodeId: string, overrides: Partial<NodeHeartbeat> = {}): Promise<void> {
  const heartbeat: NodeHeartbeat = { id: nodeId, url: `https://${nodeId}.cdn.test`, region: 'local', capacity: 100, load: { connections: 10, egressMbps: 0, cpu: 0.05 }, state: 'live', ...overrides };
  const token = await nodeHeartbeatToken(env.INTERNAL_SECRET!, nodeId);
  const response = await edgeFetch('/internal/nodes/heartbeat', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(heartbeat) });
  if (response.status !== 200) throw new Error(`heartbeat refused: ${response.status} ${await response.text()}`);
}

/** Empties the node registry of this test file's storage (each workers test file has its own). */
export async function clearNodes(): Promise<void> {
  const listed = await env.NODES.list({ prefix: NODE_KEY_PREFIX });
  await Promise.all(listed.keys.map((key) => env.NODES.delete(key.name)));
}

export type OriginRoute = (request: { path: string; signal?: AbortSignal | null }) => Response | Promise<Response>;

/**
 * Replaces the origin gateway: `routes[path]` answers GET `{ORIGIN_URL}{path}`, anything else under the
 * origin is 404. Returns the paths the edge asked for. A fresh Response per call: bodies cannot cross requests.
 */
export function mockOrigin(routes: Record<string, OriginRoute>): string[] {
  const asked: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(env.ORIGIN_URL)) throw new Error(`unexpected fetch to ${url}`);
    const path = url.slice(env.ORIGIN_URL.length);
    asked.push(path);
    const route = routes[path];
    return route ? route({ path, signal: init?.signal ?? null }) : new Response('no such object', { status: 404 });
  });
  return asked;
}

export const playlist = (text: string, cacheControl = 'public, max-age=2') =>
  () => new Response(text, { headers: { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': cacheControl } });

export const MASTER = `#EXTM3U
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=800000,AVERAGE-BANDWIDTH=700000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=640x360
360p/playlist.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2500000,AVERAGE-BANDWIDTH=2200000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720
720p/playlist.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=5000000,AVERAGE-BANDWIDTH=4500000,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=1920x1080
1080p/playlist.m3u8
`;

export const MEDIA = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MAP:URI="init.mp4"
#EXTINF:4.000,
seg_00001.m4s
#EXTINF:4.000,
seg_00002.m4s
#EXTINF:2.500,
seg_00003.m4s
#EXT-X-ENDLIST
`;

/** A video id no other test uses: the Cache API keeps origin playlists across tests of a file. */
export const uniqueVideo = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

/** A playlist body as text (workerd warns on .text() for the HLS content type). */
export const bodyText = async (response: Response) => new TextDecoder().decode(await response.arrayBuffer());

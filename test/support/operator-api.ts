/** The operator API as tests use it: JSON calls with the operator token, bounded in time, and the few flows every tier repeats. */
import { originUrl, type DevStack } from './dev-stack.ts';
import { waitFor } from './wait.ts';

export type Json = Record<string, any>;

export interface ApiAnswer {
  status: number;
  /** The JSON body (`{}` when empty, `{ text }` when not JSON). */
  body: Json;
  headers: Headers;
  ms: number;
}

export interface ApiCall {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Another bearer token for this call, or null for none. */
  token?: string | null;
  timeoutMs?: number;
}

/** An operator API client for the origin at `baseUrl`; a hung origin fails the call after `timeoutMs` (default 15 s). */
export function operatorApi(baseUrl: string, token: string) {
  return async (path: string, call: ApiCall = {}): Promise<ApiAnswer> => {
    const started = performance.now();
    const headers: Record<string, string> = {};
    const bearer = call.token === undefined ? token : call.token;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method: call.method ?? 'GET',
      headers: { ...headers, ...call.headers },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(call.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    let body: Json;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { text };
    }
    return { status: response.status, body, headers: response.headers, ms: performance.now() - started };
  };
}

export type OperatorApi = ReturnType<typeof operatorApi>;

export async function createVideo(api: OperatorApi, title: string): Promise<{ id: string; uploadUrl: string; ms: number }> {
  const created = await api('/v1/videos', { method: 'POST', body: { title } });
  if (created.status !== 201) throw new Error(`POST /v1/videos answered ${created.status}: ${JSON.stringify(created.body)}`);
  return { id: created.body.id, uploadUrl: created.body.upload.url, ms: created.ms };
}

/** Polls the video until it is in one of `states`; FAILED ends the wait at once unless it is one of them. */
export async function waitForState(api: OperatorApi, id: string, states: string[], timeoutMs: number): Promise<Json> {
  let last: Json = {};
  return waitFor(
    async () => {
      last = (await api(`/v1/videos/${id}`, { timeoutMs: 5_000 })).body;
      if (states.includes(last.state)) return last;
      if (last.state === 'FAILED') throw new VideoFailed(`video ${id} FAILED: ${last.failureReason}`);
      return undefined;
    },
    { what: `video ${id} to be ${states.join('|')}`, timeoutMs, everyMs: 1_000, retryErrors: true, detail: () => `still ${last.state}`, stopOn: (error) => error instanceof VideoFailed },
  );
}

class VideoFailed extends Error {}

/** A playback URL (`…/v/{token}/master.m3u8`) for a video, minted by the origin. */
export async function playbackUrl(api: OperatorApi, videoId: string, ttlSeconds = 3600): Promise<{ url: string; token: string }> {
  const minted = await api(`/v1/videos/${videoId}/token`, { method: 'POST', body: { ttlSeconds } });
  if (minted.status !== 200) throw new Error(`token for ${videoId}: ${minted.status} ${JSON.stringify(minted.body)}`);
  return { url: minted.body.url, token: minted.body.token };
}

/** Segment and init URLs of a media playlist, as a player requests them. */
export function mediaUris(playlist: string): string[] {
  const maps = [...playlist.matchAll(/#EXT-X-MAP:URI="([^"]+)"/g)].map((match) => match[1]!);
  return [...maps, ...playlist.split('\n').filter((line) => line && !line.startsWith('#'))];
}

/** The operator API of a stack started by `startDevStack`. */
export function devStackApi(stack: DevStack): OperatorApi {
  return operatorApi(originUrl(stack), stack.secrets.apiToken);
}

import { ChannelPageData } from '../../../contracts/channels.ts';
import { describeIssues } from '../../../contracts/issues.ts';
import { ORIGIN_TIMEOUT_MS } from '../playback/origin-fetch.ts';

export type PageDataResult = { ok: true; page: ChannelPageData } | { ok: false; status: 404 | 502 | 503 | 504; reason: string };

/** A channel page is the same for every viewer for a few seconds: one origin request per isolate and channel in that time. */
export const PAGE_MEMO_MS = 5_000;
const memo = new Map<string, { at: number; page: ChannelPageData }>();

/**
 * `GET {ORIGIN_URL}/internal/channels/{id}/page` with the internal secret, checked against the contract (the origin
 * is trusted, its bytes are still parsed). Never throws.
 */
export async function fetchChannelPage(env: { ORIGIN_URL: string; INTERNAL_SECRET?: string }, channelId: string, now = Date.now()): Promise<PageDataResult> {
  const held = memo.get(channelId);
  if (held && now - held.at < PAGE_MEMO_MS) return { ok: true, page: held.page };
  if (!env.INTERNAL_SECRET) return { ok: false, status: 503, reason: 'the edge has no INTERNAL_SECRET to ask the origin for channel pages' };
  const url = `${env.ORIGIN_URL.replace(/\/+$/, '')}/internal/channels/${encodeURIComponent(channelId)}/page`;
  const signal = AbortSignal.timeout(ORIGIN_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${env.INTERNAL_SECRET}` }, signal });
  } catch (error) {
    return signal.aborted ? { ok: false, status: 504, reason: 'the origin did not answer in time' } : { ok: false, status: 502, reason: `the origin is not reachable: ${String(error)}` };
  }
  if (response.status === 404) return (await response.body?.cancel(), { ok: false, status: 404, reason: `no channel ${channelId}` });
  if (response.status !== 200) return (await response.body?.cancel(), { ok: false, status: 502, reason: `the origin answered ${response.status}` });
  const parsed = ChannelPageData.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) return { ok: false, status: 502, reason: `the origin's channel page is not what the edge expects: ${describeIssues(parsed.error)}` };
  memo.set(channelId, { at: now, page: parsed.data });
  if (memo.size > 1_000) memo.delete(memo.keys().next().value!);
  return { ok: true, page: parsed.data };
}

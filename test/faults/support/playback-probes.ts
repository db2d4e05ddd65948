/** The requests a viewer makes for one video, through the edge and the CDN nodes, checked as a round. */
import { originUrl, type DevStack } from '../../support/dev-stack.ts';
import { mediaUris } from '../../support/operator-api.ts';
import { timedGet, type TimedResponse } from './fault-log.ts';

export interface Probe {
  name: string;
  url: string;
  /** Sent with the request (the private gateway reads operators' API tokens). */
  headers?: Record<string, string>;
}

export type ProbeResult = TimedResponse & { name: string };

/**
 * The master and 360p playlist at the edge, every segment from the node the edge chose (warm cache),
 * the first segment from another node (cold cache: it must go to the origin), and the origin's playlist.
 */
export async function viewerProbes(stack: DevStack, playbackUrl: string, videoId: string): Promise<Probe[]> {
  const media = playbackUrl.replace('master.m3u8', '360p/playlist.m3u8');
  const response = await fetch(media, { signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new Error(`the 360p playlist answered ${response.status}: ${await response.text()}`);
  const segments = mediaUris(await response.text());
  const chosen = new URL(segments[0]!).port;
  const other = stack.ports.cdnNodes.map(String).find((port) => port !== chosen)!;
  const cold = new URL(segments[segments.length - 1]!);
  cold.port = other;
  return [
    { name: 'edge master', url: playbackUrl },
    { name: 'edge 360p playlist', url: media },
    ...segments.map((url, index) => ({ name: `node ${chosen} ${index === 0 ? 'init' : `segment ${index}`}`, url })),
    { name: `node ${other} (cold) last segment`, url: cold.toString() },
    { name: 'origin 360p playlist', url: `${originUrl(stack)}/media/${videoId}/360p/playlist.m3u8`, headers: { authorization: `Bearer ${stack.secrets.apiToken}` } },
  ];
}

export async function probeRound(probes: Probe[], boundMs = 15_000): Promise<ProbeResult[]> {
  return Promise.all(probes.map(async (probe) => ({ name: probe.name, ...(await timedGet(probe.url, boundMs, { headers: probe.headers })) })));
}

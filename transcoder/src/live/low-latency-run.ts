// One run of a low-latency ladder: FFmpeg PUTs each rung to the origin's packager, which stores the segments; the
// run's result is what the origin says it stored.
import type { Logger } from 'pino';
import { llhlsIngestPaths, type LiveRung, type LiveSection } from '../../../contracts/live.ts';
import { runFfmpeg, type FfmpegRun } from '../ffmpeg/run-ffmpeg.ts';
import { lowLatencyLadderArgs } from './live-ladder-args.ts';
import { nextSegmentNumber, type LiveRungSections } from './live-sections.ts';

/** The origin's internal live routes (`…/internal/live`) and the secret they take. */
export interface PackagerOrigin {
  internalUrl: string;
  internalSecret: string;
}

export interface LowLatencyRunInput {
  inputId: string;
  broadcast: number;
  pullUrl: string;
  prior: LiveRungSections;
}

export interface LowLatencyRunDeps {
  ffmpegPath: string;
  x264Preset: string;
  rungs: readonly LiveRung[];
  origin: PackagerOrigin;
  logger: Logger;
  signal?: AbortSignal;
  /** Called every few seconds while FFmpeg runs, with what the origin says is stored so far. */
  heartbeat: (sections: LiveRungSections) => void;
  fetch?: typeof fetch;
}

const heartbeatMs = 5_000;

/** A rung's sections: earlier runs the origin no longer reports (it restarted) kept, then what it reports. Pure. */
export function mergeReportedSections(prior: readonly LiveSection[], reported: readonly LiveSection[]): LiveSection[] {
  const firstReported = reported[0]?.first ?? Number.POSITIVE_INFINITY;
  return [...prior.filter((section) => section.first < firstReported), ...reported];
}

export async function runLowLatencyLadder(input: LowLatencyRunInput, deps: LowLatencyRunDeps): Promise<{ sections: LiveRungSections; run: FfmpegRun }> {
  const call = deps.fetch ?? fetch;
  const authorization = `Bearer ${deps.origin.internalSecret}`;
  // After an origin restart its packager numbers on from here, so no segment name is taken twice.
  const first = nextSegmentNumber(input.prior);
  const args = lowLatencyLadderArgs({
    pullUrl: input.pullUrl,
    rungs: deps.rungs,
    x264Preset: deps.x264Preset,
    putUrl: (rung) => `${deps.origin.internalUrl}${llhlsIngestPaths.stream(input.inputId, input.broadcast, rung.name)}?first=${first}`,
    authorization,
  });
  // The heartbeat carries what is stored so far: after a crash of either side the next run numbers on behind it.
  let latest = input.prior;
  const stored = async (wait: boolean) => {
    const sections: LiveRungSections = { ...latest };
    for (const rung of deps.rungs) {
      const url = `${deps.origin.internalUrl}${llhlsIngestPaths.sections(input.inputId, input.broadcast, rung.name)}${wait ? '' : '?wait=0'}`;
      const answer = await call(url, { headers: { authorization }, signal: AbortSignal.timeout(30_000) });
      if (!answer.ok) throw new Error(`the origin did not say what ${rung.name} stored: ${answer.status} ${(await answer.text()).slice(0, 200)}`);
      const body = (await answer.json()) as { sections: LiveSection[] };
      // An origin that restarted reports only its new packager's runs: earlier ones stay as last heard.
      sections[rung.name] = mergeReportedSections(latest[rung.name] ?? [], body.sections);
    }
    return sections;
  };
  const beat = setInterval(() => {
    stored(false)
      .then((sections) => (latest = sections))
      .catch((error) => deps.logger.warn({ event: 'llhls_sections_unread', err: error }, 'could not read what the origin stored so far'))
      .finally(() => deps.heartbeat(latest));
  }, heartbeatMs);
  const run = await runFfmpeg({ ffmpegPath: deps.ffmpegPath, args, signal: deps.signal }).finally(() => clearInterval(beat));
  return { sections: await stored(true), run };
}

/** Tells the origin the broadcast is over: its low-latency playlists get EXT-X-ENDLIST at once. */
export async function endLowLatencyBroadcast(origin: PackagerOrigin, key: { inputId: string; broadcast: number }, call: typeof fetch = fetch): Promise<void> {
  const answer = await call(`${origin.internalUrl}${llhlsIngestPaths.end(key.inputId, key.broadcast)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${origin.internalSecret}` },
    signal: AbortSignal.timeout(30_000),
  });
  if (!answer.ok) throw new Error(`the origin did not end the low-latency playlists: ${answer.status} ${(await answer.text()).slice(0, 200)}`);
}

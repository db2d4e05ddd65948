// The transcode workflow's branches with mocked activities, on a Temporal dev server (@temporalio/testing,
// the provisioned `temporal` CLI): which path makes a video PLAYABLE, what the single pass is asked for, and cleanup.
import { fileURLToPath } from 'node:url';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { temporalTool } from '../../stack/tools/temporal.ts';
import type { EncodeFirstRungInput } from '../../transcoder/src/activities/encode-first-rung.ts';
import type { EncodeRenditionsInput, LadderPass } from '../../transcoder/src/activities/encode-renditions.ts';
import type { GenerateCaptionsInput } from '../../transcoder/src/activities/generate-captions.ts';
import type { PublishSourceInput, SourcePublication } from '../../transcoder/src/activities/publish-source.ts';
import { signalOwnWorkflow } from '../../transcoder/src/activities/workflow-signals.ts';
import {
  captionsTaskQueue, firstSegmentSignalName, originTaskQueue, playableTaskQueue, transcodeTaskQueue, transcodeWorkflowId,
  type AutoCaptionsOutcome, type AutoCaptionsPlan, type OriginActivities, type PublishedRendition, type RenditionName, type SourceProbe,
} from '../../contracts/transcode.ts';
import { sleep, waitFor } from '../support/wait.ts';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let calls: string[];
/** Automatic captions run beside the ladder: their calls are logged apart, in their own order. */
let captionCalls: string[];
let behaviour: Behaviour;

/** What the mocked activities do in one test. */
interface Behaviour {
  probe: SourceProbe;
  accepted?: boolean;
  copy?: SourcePublication;
  /** signal: announce the first segment, then wait for `markPlayable` before finishing (proves PLAYABLE came first). */
  firstRung?: 'signal-then-finish' | 'finish-without-signal' | 'fail-before-signal' | 'signal-then-run-until-cancelled';
  ladderFails?: boolean;
  /** Automatic captions asked for: `after-ready` finishes only once the video is READY (proves READY never waits for it). */
  captions?: { plan: AutoCaptionsPlan; engine: 'after-ready' | 'crashes' | 'runs-until-cancelled' };
}

const standardProbe: SourceProbe = { durationSeconds: 60, width: 1920, height: 1080, hasAudio: true, videoCodec: 'h264', frameRate: 30, standardInput: { standard: true, codecs: 'avc1.640028,mp4a.40.2' } };
const tenBitProbe: SourceProbe = { ...standardProbe, standardInput: { standard: false, reasons: ['pixel format yuv420p10le is not 8-bit 4:2:0'] } };
const rendition = (name: RenditionName, bandwidth = 1_000_000): PublishedRendition => ({
  name, width: 640, height: 360, bandwidth, averageBandwidth: bandwidth / 2, codecs: 'avc1.64001e,mp4a.40.2', frameRate: 30, playlistKey: `v/${name}/playlist.m3u8`,
});

const transcoderActivities = {
  async probeSource(): Promise<SourceProbe> {
    calls.push('probeSource');
    return behaviour.probe;
  },
  async publishSource(input: PublishSourceInput): Promise<SourcePublication> {
    calls.push(`publishSource:${input.codecs}`);
    return behaviour.copy ?? { published: true, rendition: rendition('src', 8_000_000) };
  },
  async encodeFirstRung(input: EncodeFirstRungInput): Promise<PublishedRendition> {
    const name = input.plan.renditions[0]!.name;
    calls.push(`encodeFirstRung:${name}`);
    const mode = behaviour.firstRung ?? 'signal-then-finish';
    if (mode === 'fail-before-signal') throw ApplicationFailure.nonRetryable('FFmpeg cannot decode it', 'SourceNotAVideo');
    if (mode !== 'finish-without-signal') {
      expect(await signalOwnWorkflow(firstSegmentSignalName, rendition(name, 9_999_999))).toBe(true);
      calls.push('firstSegmentStored');
    }
    if (mode === 'signal-then-run-until-cancelled') {
      const signal = Context.current().cancellationSignal;
      while (!signal.aborted) {
        Context.current().heartbeat();
        await sleep(50); // the mock encode's own pace: it heartbeats until the workflow cancels it, no assertion waits here
      }
      calls.push('encodeFirstRung:cancelled');
      throw new CancelledFailure('cancelled');
    }
    if (mode === 'signal-then-finish') await waitFor(() => calls.includes('markPlayable'), { what: 'the workflow to mark the video PLAYABLE', timeoutMs: 30_000, everyMs: 20 });
    calls.push('encodeFirstRung:done');
    return rendition(name, 1_234_567);
  },
  async encodeRenditions(input: EncodeRenditionsInput): Promise<LadderPass> {
    calls.push(`encodeRenditions:${input.names.join('+')}:${input.previews ? 'previews' : 'no-previews'}`);
    if (behaviour.ladderFails) {
      // With captions asked for, the ladder fails once their engine runs (what the cleanup must then stop).
      if (behaviour.captions) await waitFor(() => captionCalls.some((call) => call.startsWith('generateCaptions')), { what: 'the captions engine to start', timeoutMs: 30_000, everyMs: 20 });
      throw ApplicationFailure.nonRetryable('disk full', 'Boom');
    }
    return { renditions: input.names.map((name) => rendition(name)), previews: { thumbnailKey: 'v/thumbnail.jpg', storyboardKey: 'v/storyboard.jpg', storyboardVttKey: 'v/storyboard.vtt' } };
  },
  async generateCaptions(input: GenerateCaptionsInput): Promise<AutoCaptionsOutcome> {
    captionCalls.push(`generateCaptions:${input.language}`);
    const engine = behaviour.captions?.engine;
    if (engine === 'crashes') throw ApplicationFailure.nonRetryable('pocketsphinx exited with 139', 'EngineCrashed');
    if (engine === 'runs-until-cancelled') {
      const signal = Context.current().cancellationSignal;
      while (!signal.aborted) {
        Context.current().heartbeat();
        await sleep(50); // the mock engine's own pace, until the workflow cancels it
      }
      calls.push('generateCaptions:cancelled');
      throw new CancelledFailure('cancelled');
    }
    await waitFor(() => calls.includes('markReady'), { what: 'the video to be READY before captions finish', timeoutMs: 30_000, everyMs: 20 });
    return { state: 'generated', captions: { language: input.language, webvttKey: `${input.videoId}/auto-captions/${input.language}.vtt`, engine: 'pocketsphinx', model: 'mock', cueCount: 3, wordCount: 9, audioSeconds: 60, elapsedSeconds: 12 } };
  },
  async removeOutputs(): Promise<{ removed: number }> {
    calls.push('removeOutputs');
    return { removed: 0 };
  },
};

const originActivities: OriginActivities = {
  acceptProbe: async () => (calls.push('acceptProbe'), behaviour.accepted === false ? { accepted: false, reason: 'too long' } : { accepted: true }),
  setProgress: async () => undefined,
  recordRenditions: async ({ renditions }) => void calls.push(`recordRenditions:${renditions.map((r) => r.name).join('+')}`),
  updateRenditionBandwidth: async ({ name, bandwidth }) => void calls.push(`updateRenditionBandwidth:${name}:${bandwidth}`),
  markPlayable: async () => void calls.push('markPlayable'),
  markReady: async () => void calls.push('markReady'),
  markFailed: async ({ reason }) => void calls.push(`markFailed:${reason}`),
  autoCaptionsPlan: async () => (captionCalls.push('autoCaptionsPlan'), behaviour.captions?.plan ?? null),
  recordAutoCaptions: async ({ outcome }) => void captionCalls.push(outcome.state === 'generated' ? `recordAutoCaptions:generated:${outcome.captions.webvttKey}` : `recordAutoCaptions:${outcome.state}:${outcome.reason}`),
};

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const temporal = await temporalTool.locate();
  if (!temporal) throw new Error(`no temporal CLI: ${temporalTool.fix}`);
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: temporal }, ip: '127.0.0.1' } });
  bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../transcoder/src/workflows.ts', import.meta.url)), logger: new DefaultLogger('WARN') });
});

afterAll(async () => {
  await env?.teardown();
});

beforeEach(() => {
  calls = [];
  captionCalls = [];
});

/** Runs `video-{id}` against the mocks with the three task queues polled (cancelling it once `cancelWhen` is logged); resolves with the call log. */
async function runWorkflow(videoId: string, cancelWhen?: string): Promise<{ calls: string[]; error?: unknown }> {
  const connection = env.nativeConnection;
  const workers = await Promise.all([
    Worker.create({ connection, taskQueue: transcodeTaskQueue, workflowBundle: bundle, activities: transcoderActivities }),
    Worker.create({ connection, taskQueue: playableTaskQueue, activities: transcoderActivities, maxHeartbeatThrottleInterval: '100 ms' }),
    Worker.create({ connection, taskQueue: originTaskQueue, activities: originActivities }),
    Worker.create({ connection, taskQueue: captionsTaskQueue, activities: transcoderActivities, maxHeartbeatThrottleInterval: '100 ms' }),
  ]);
  const [first, ...others] = workers;
  let error: unknown;
  await first!.runUntil(async () => {
    const running = others.map((worker) => worker.run());
    try {
      const handle = await env.client.workflow.start('transcodeVideo', { taskQueue: transcodeTaskQueue, workflowId: transcodeWorkflowId(videoId), args: [{ videoId, sourceKey: 'uploads/x' }] });
      if (cancelWhen) {
        await waitFor(() => calls.includes(cancelWhen), { what: `${cancelWhen} before cancelling`, timeoutMs: 30_000, everyMs: 20 });
        await handle.cancel();
      }
      await handle.result();
    } catch (caught) {
      error = caught;
    } finally {
      for (const worker of others) worker.shutdown();
      await Promise.all(running);
    }
  });
  return { calls, error };
}

describe('transcodeVideo branches (mocked activities)', () => {
  it('standard input: src → PLAYABLE → one single pass of every rung with previews → READY', async () => {
    behaviour = { probe: standardProbe };
    const { calls: log, error } = await runWorkflow('std');
    expect(error).toBeUndefined();
    expect(log).toEqual([
      'probeSource', 'acceptProbe', 'publishSource:avc1.640028,mp4a.40.2', 'recordRenditions:src', 'markPlayable',
      'encodeRenditions:360p+720p+1080p:previews', 'recordRenditions:360p+720p+1080p', 'markReady',
    ]);
  });

  it('not standard: PLAYABLE on the first segment while the first rung still encodes; the single pass skips that rung; its bandwidth is measured at the end', async () => {
    behaviour = { probe: tenBitProbe, firstRung: 'signal-then-finish' };
    const { calls: log, error } = await runWorkflow('tenbit');
    expect(error).toBeUndefined();
    expect(log.slice(0, 6)).toEqual(['probeSource', 'acceptProbe', 'encodeFirstRung:360p', 'firstSegmentStored', 'recordRenditions:360p', 'markPlayable']);
    expect(log.indexOf('encodeFirstRung:done')).toBeGreaterThan(log.indexOf('markPlayable'));
    expect(log).toContain('encodeRenditions:720p+1080p:previews');
    expect(log.slice(-3)).toEqual(['updateRenditionBandwidth:360p:1234567', 'recordRenditions:720p+1080p', 'markReady']);
    expect(log).not.toContain('publishSource:avc1.640028,mp4a.40.2');
  });

  it('standard input whose copy is abandoned falls back to the progressive first rung, without failing', async () => {
    behaviour = { probe: standardProbe, copy: { published: false, reason: 'segment seg_00008.m4s is 17.0 s long' }, firstRung: 'signal-then-finish' };
    const { calls: log, error } = await runWorkflow('fallback');
    expect(error).toBeUndefined();
    expect(log.slice(0, 5)).toEqual(['probeSource', 'acceptProbe', 'publishSource:avc1.640028,mp4a.40.2', 'encodeFirstRung:360p', 'firstSegmentStored']);
    expect(log).toContain('recordRenditions:360p');
    expect(log).not.toContain('recordRenditions:src');
    expect(log.at(-1)).toBe('markReady');
  });

  it('a first rung that finishes before any signal (a very short video) still makes the video PLAYABLE, then READY', async () => {
    behaviour = { probe: { ...tenBitProbe, width: 320, height: 240 }, firstRung: 'finish-without-signal' };
    const { calls: log, error } = await runWorkflow('tiny');
    expect(error).toBeUndefined();
    // A ≤ 360p source has one rung, already published: the single pass makes only the previews.
    expect(log).toEqual([
      'probeSource', 'acceptProbe', 'encodeFirstRung:360p', 'encodeFirstRung:done', 'recordRenditions:360p', 'markPlayable',
      'encodeRenditions::previews', 'updateRenditionBandwidth:360p:1234567', 'recordRenditions:', 'markReady',
    ]);
  });

  it('a source the origin refuses: FAILED with its reason, nothing encoded', async () => {
    behaviour = { probe: standardProbe, accepted: false };
    const { calls: log, error } = await runWorkflow('refused');
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(log).toEqual(['probeSource', 'acceptProbe', 'removeOutputs', 'markFailed:too long']);
  });

  it('a first rung that fails before its first segment: FAILED, never PLAYABLE', async () => {
    behaviour = { probe: tenBitProbe, firstRung: 'fail-before-signal' };
    const { calls: log, error } = await runWorkflow('undecodable');
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(log).toEqual(['probeSource', 'acceptProbe', 'encodeFirstRung:360p', 'removeOutputs', 'markFailed:FFmpeg cannot decode it']);
  });

  it('a single pass that fails after PLAYABLE: the still-running first rung is cancelled and has stopped before outputs are removed', async () => {
    behaviour = { probe: tenBitProbe, firstRung: 'signal-then-run-until-cancelled', ladderFails: true };
    const { calls: log, error } = await runWorkflow('ladder-fails');
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(log).toContain('markPlayable');
    expect(log.slice(-3)).toEqual(['encodeFirstRung:cancelled', 'removeOutputs', 'markFailed:disk full']);
  });

  it('a cancelled workflow (a deleted video) stops its first rung, removes outputs, records the reason and ends: no task left failing', async () => {
    behaviour = { probe: tenBitProbe, firstRung: 'signal-then-run-until-cancelled' };
    const { calls: log, error } = await runWorkflow('deleted', 'encodeRenditions:720p+1080p:previews');
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(log.slice(-3)).toEqual(['encodeFirstRung:cancelled', 'removeOutputs', 'markFailed:the transcode was cancelled (the video was deleted, or an operator stopped its workflow)']);
  });

  it('standard input, no automatic captions asked for: the plan is asked once, no engine runs', async () => {
    behaviour = { probe: standardProbe };
    const { error } = await runWorkflow('no-captions');
    expect(error).toBeUndefined();
    expect(captionCalls).toEqual(['autoCaptionsPlan']);
  });
});

describe('automatic captions beside the ladder (mocked activities)', () => {
  it('run after PLAYABLE, never hold READY back, and the generated track is recorded after READY', async () => {
    behaviour = { probe: standardProbe, captions: { plan: { language: 'en' }, engine: 'after-ready' } };
    const { calls: log, error } = await runWorkflow('captions');
    expect(error).toBeUndefined();
    expect(log.at(-1)).toBe('markReady');
    expect(captionCalls).toEqual(['autoCaptionsPlan', 'generateCaptions:en', 'recordAutoCaptions:generated:captions/auto-captions/en.vtt']);
  });

  it('an engine that crashes: the video is READY all the same, the failure recorded with its reason', async () => {
    behaviour = { probe: standardProbe, captions: { plan: { language: 'en' }, engine: 'crashes' } };
    const { calls: log, error } = await runWorkflow('captions-crash');
    expect(error).toBeUndefined();
    expect(log.at(-1)).toBe('markReady');
    expect(captionCalls).toEqual(['autoCaptionsPlan', 'generateCaptions:en', 'recordAutoCaptions:failed:pocketsphinx exited with 139']);
  });

  it('a video without audio: skipped with the reason, no engine run', async () => {
    behaviour = { probe: { ...standardProbe, hasAudio: false }, captions: { plan: { language: 'fr' }, engine: 'after-ready' } };
    const { error } = await runWorkflow('captions-silent');
    expect(error).toBeUndefined();
    expect(captionCalls).toEqual(['autoCaptionsPlan', 'recordAutoCaptions:skipped:the video has no audio']);
  });

  it('a ladder that fails while captions run: the engine is cancelled and has stopped before outputs are removed', async () => {
    behaviour = { probe: standardProbe, ladderFails: true, captions: { plan: { language: 'en' }, engine: 'runs-until-cancelled' } };
    const { calls: log, error } = await runWorkflow('captions-ladder-fails');
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(log.slice(-3)).toEqual(['generateCaptions:cancelled', 'removeOutputs', 'markFailed:disk full']);
    expect(captionCalls.some((call) => call.startsWith('recordAutoCaptions'))).toBe(false);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComponentSpec } from '../../stack/component.ts';
import { temporalComponent } from '../../stack/components/temporal.ts';
import { transcoderComponent } from '../../stack/components/transcoder.ts';
import { shiftedPorts, stackContext } from '../../stack/context.ts';
import { run } from '../../stack/exec.ts';
import { loadTranscoderConfig } from '../../transcoder/src/config.ts';
import { createTranscodeWorker, type TranscodeWorker } from '../../transcoder/src/create-worker.ts';
import { startTranscode } from '../../transcoder/src/start-transcode.ts';

// gRPC 19633, UI 19634 (HTTP 19643, metrics 19644): clear of the defaults and of the harness's +10000 stack.
const ports = { ...shiftedPorts(10000), temporal: 19633, temporalUi: 19634 };
const secrets = { apiToken: 't', internalSecret: 't', nodeKey: 't', minioUser: 't', minioPassword: 'tttttttt' };
const dataDir = mkdtempSync(join(tmpdir(), 'vora-temporal-'));
const ctx = stackContext(ports, secrets, dataDir);
const address = `127.0.0.1:${ports.temporal}`;
const started: ChildProcess[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const runSuffix = Date.now().toString(36); // the dev server keeps ids in its file only for this run, but be safe

/** Starts a component as the runner would; resolves with the time to its first good probe. */
async function startComponent(component: ComponentSpec): Promise<{ child: ChildProcess; readyMs: number }> {
  const startedAt = Date.now();
  const logPath = join(dataDir, `${component.name}.log`);
  const { cmd, args, env, cwd } = await component.command();
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', openSync(logPath, 'a'), openSync(logPath, 'a')] });
  started.push(child);
  const deadline = startedAt + (component.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${component.name} exited with ${child.exitCode}:\n${readFileSync(logPath, 'utf8').slice(-2000)}`);
    try {
      await component.probe();
      return { child, readyMs: Date.now() - startedAt };
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${component.name} not ready in time: ${(error as Error).message}`);
      await sleep(200);
    }
  }
}

/** SIGTERM, then SIGKILL after a bound; resolves with the exit code. */
async function stopProcess(child: ChildProcess, boundMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null || !child.pid) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), boundMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

let client: Client;
let clientConnection: Connection;
const clipPath = join(dataDir, 'clip.mp4');
const textPath = join(dataDir, 'notes.txt');
const fakeMp4Path = join(dataDir, 'notes.mp4');

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') }); // the SDK logs every worker state change at INFO
  const temporal = await startComponent(temporalComponent(ctx));
  console.log(`temporal dev server ready in ${temporal.readyMs} ms, RSS ${rssMiB(temporal.child.pid!).toFixed(0)} MiB`);
  const clipStartedAt = Date.now();
  await run('ffmpeg', [
    '-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=2:size=320x240:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
    '-movflags', '+faststart', '-shortest', clipPath,
  ], { timeoutMs: 60_000 });
  console.log(`2 s test clip encoded in ${Date.now() - clipStartedAt} ms`);
  writeFileSync(textPath, 'These are meeting notes, not a video.\n'.repeat(50));
  writeFileSync(fakeMp4Path, 'These are meeting notes, not a video.\n'.repeat(50));
  clientConnection = await Connection.connect({ address });
  client = new Client({ connection: clientConnection });
});

afterAll(async () => {
  await clientConnection?.close();
  for (const child of started.reverse()) await stopProcess(child);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('transcodeVideo on an in-process worker', () => {
  let transcoder: TranscodeWorker;
  let running: Promise<void>;
  let held: { server: Server; requested: Promise<void>; release: () => void };

  beforeAll(async () => {
    const startedAt = Date.now();
    const config = loadTranscoderConfig({ TEMPORAL_ADDRESS: address, FFPROBE_TIMEOUT_MS: '20000' });
    transcoder = await createTranscodeWorker(config, pino({ level: 'warn' }));
    running = transcoder.worker.run();
    console.log(`in-process worker created (bundling included) in ${Date.now() - startedAt} ms`);
    held = await serveClipAfterRelease();
  });

  afterAll(async () => {
    held?.release();
    held?.server.close();
    if (transcoder) {
      transcoder.worker.shutdown();
      await running;
      await transcoder.connection.close();
    }
  });

  it('probes a 2 s H.264 + AAC clip and returns what it found', async () => {
    const videoId = `clip-${runSuffix}`;
    const start = await startTranscode(client, { videoId, sourceKey: clipPath });
    expect(start).toMatchObject({ started: true });
    expect(start.handle.workflowId).toBe(`video-${videoId}`);
    const probe = await start.handle.result();
    expect(probe.durationSeconds).toBeCloseTo(2, 1);
    expect(probe).toMatchObject({ width: 320, height: 240, hasAudio: true, videoCodec: 'h264', frameRate: 25 });
  });

  it('fails a text file at once, non-retryably, with the reason; a later start may try again', async () => {
    const videoId = `text-${runSuffix}`;
    const { handle } = await startTranscode(client, { videoId, sourceKey: textPath });
    const failedRunId = (await handle.describe()).runId;
    const failure = await handle.result().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ nonRetryable: true, type: 'SourceNotAVideo' });
    // FFmpeg reads a long .txt as ANSI art (tty demuxer): the parser, not ffprobe, has to say no.
    expect(cause?.message).toBe(`video ${videoId} cannot be transcoded: it is text (tty), not a video`);
    // One attempt only: the activity was never retried.
    const { events } = await handle.fetchHistory();
    const attempts = (events ?? []).filter((event) => event.activityTaskStartedEventAttributes).map((event) => event.activityTaskStartedEventAttributes?.attempt);
    expect(attempts).toEqual([1]);
    // ALLOW_DUPLICATE_FAILED_ONLY: a failed video may be started again (e.g. after its source was replaced).
    const retry = await startTranscode(client, { videoId, sourceKey: textPath });
    expect(retry.started).toBe(true);
    expect((await retry.handle.describe()).runId).not.toBe(failedRunId);
    await retry.handle.result().catch(() => undefined);
  });

  it('fails text named .mp4 with ffprobe\'s own reason', async () => {
    const { handle } = await startTranscode(client, { videoId: `fake-${runSuffix}`, sourceKey: fakeMp4Path });
    const failure = await handle.result().then(() => undefined, (error: unknown) => error);
    expect((failure as WorkflowFailedError).cause).toMatchObject({
      nonRetryable: true,
      type: 'SourceNotAVideo',
      message: expect.stringMatching(/cannot be transcoded: it is not a video FFmpeg can read \(.*Invalid data found when processing input\)$/),
    });
  });

  it('makes a second start of video-{id} a no-op, while running and after completion', async () => {
    const videoId = `once-${runSuffix}`;
    const sourceKey = `http://127.0.0.1:${(held.server.address() as AddressInfo).port}/clip.mp4`;
    const first = await startTranscode(client, { videoId, sourceKey });
    expect(first.started).toBe(true);
    const firstRunId = (await first.handle.describe()).runId;
    await held.requested; // ffprobe is now waiting on our server: the workflow is certainly running
    const whileRunning = await startTranscode(client, { videoId, sourceKey });
    expect(whileRunning.started).toBe(false);
    const runningDescription = await whileRunning.handle.describe();
    expect(runningDescription.runId).toBe(firstRunId);
    expect(runningDescription.status.name).toBe('RUNNING');
    held.release();
    expect(await first.handle.result()).toMatchObject({ videoCodec: 'h264', hasAudio: true });
    const afterCompletion = await startTranscode(client, { videoId, sourceKey });
    expect(afterCompletion.started).toBe(false);
    const doneDescription = await afterCompletion.handle.describe();
    expect(doneDescription).toMatchObject({ runId: firstRunId, status: { name: 'COMPLETED' } });
  });
});

describe('the transcoder component (worker process started as `vora dev` does)', () => {
  it('is ready only once its own process polls, runs a workflow, and stops on SIGTERM', async () => {
    const component = transcoderComponent(ctx);
    await expect(component.probe()).rejects.toThrow(/is not polling vora-transcode/);
    const { child, readyMs } = await startComponent(component);
    console.log(`transcoder process ready (tsx + bundling) in ${readyMs} ms, RSS ${rssMiB(child.pid!).toFixed(0)} MiB`);
    const start = await startTranscode(client, { videoId: `process-${runSuffix}`, sourceKey: clipPath });
    expect(await start.handle.result()).toMatchObject({ videoCodec: 'h264', width: 320 });
    const stoppedAt = Date.now();
    expect(await stopProcess(child)).toBe(0);
    console.log(`transcoder process stopped in ${Date.now() - stoppedAt} ms`);
  });
});

/** Serves the clip with byte ranges, holding the first request until `release()`: a source slow on purpose. */
async function serveClipAfterRelease(): Promise<{ server: Server; requested: Promise<void>; release: () => void }> {
  let markRequested!: () => void;
  let release!: () => void;
  const requested = new Promise<void>((resolve) => (markRequested = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = createServer(async (request, response) => {
    markRequested();
    await Promise.race([released, sleep(30_000)]);
    const size = statSync(clipPath).size;
    const range = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? '');
    const first = range ? Number(range[1]) : 0;
    const last = range?.[2] ? Number(range[2]) : size - 1;
    response.writeHead(range ? 206 : 200, {
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      'content-length': last - first + 1,
      ...(range ? { 'content-range': `bytes ${first}-${last}/${size}` } : {}),
    });
    createReadStream(clipPath, { start: first, end: last }).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, requested, release };
}

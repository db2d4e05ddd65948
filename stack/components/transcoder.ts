import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { transcodeTaskQueue } from '../../contracts/transcode.ts';
import type { ComponentSpec, StackContext } from '../component.ts';
import { buildNodeProcess, type NodeBuild } from '../node-build.ts';
import { repoRoot } from '../paths.ts';
import { ffprobeTool } from '../tools/ffmpeg.ts';
import { fasterWhisperTool, whisperBaseModelDir } from '../tools/speech.ts';
import { withTemporalConnection } from './temporal.ts';

/** The transcoder's Temporal worker (built by node-build.ts), polling `vora-transcode` on the stack's Temporal. */
export function transcoderComponent(ctx: StackContext): ComponentSpec {
  const address = `127.0.0.1:${ctx.ports.temporal}`;
  // A fresh identity per start: readiness means *this* process polls, not a stale poller of a previous one.
  let identity = '';
  // Built JavaScript, not tsx at run time, and the workflows bundled ahead: ~150 MiB less resident.
  let build: Promise<NodeBuild> | undefined;
  const built = () => (build ??= buildNodeProcess({ name: 'transcoder', entry: 'transcoder/src/worker.ts', workflows: 'transcoder/src/workflows.ts' }));
  return {
    name: 'transcoder',
    url: `temporal ${address}, task queue ${transcodeTaskQueue}`,
    ports: [],
    dependsOn: ['temporal'],
    async prepare() {
      await built();
    },
    async command() {
      identity = `transcoder-${randomBytes(4).toString('hex')}`;
      const ffprobe = await ffprobeTool.locate();
      if (!ffprobe) throw new Error(`ffprobe not found: ${ffprobeTool.fix}`);
      // Automatic captions run on faster-whisper once provisioned; without it, on Debian's pocketsphinx.
      const whisperPython = await fasterWhisperTool.locate();
      const { main, workflows } = await built();
      return {
        cmd: process.execPath,
        args: [main],
        cwd: repoRoot,
        env: {
          TEMPORAL_WORKFLOW_BUNDLE: workflows!,
          TEMPORAL_ADDRESS: address,
          TEMPORAL_NAMESPACE: 'default',
          TEMPORAL_WORKER_IDENTITY: identity,
          FFPROBE_PATH: ffprobe,
          S3_ENDPOINT: `http://127.0.0.1:${ctx.ports.minio}`,
          S3_ACCESS_KEY_ID: ctx.secrets.minioUser,
          S3_SECRET_ACCESS_KEY: ctx.secrets.minioPassword,
          // Restream pushes read their target (URL and key) from the origin at run time.
          VORA_ORIGIN_INTERNAL_URL: `http://127.0.0.1:${ctx.ports.origin}/internal/live`,
          VORA_INTERNAL_SECRET: ctx.secrets.internalSecret,
          ...(whisperPython ? { FASTER_WHISPER_PYTHON: whisperPython, FASTER_WHISPER_MODEL_DIR: whisperBaseModelDir } : {}),
        },
      };
    },
    async probe() {
      const response = await withTemporalConnection(address, (connection) =>
        connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: transcodeTaskQueue } }),
      );
      const pollers = response.pollers ?? [];
      if (!pollers.some((poller) => poller.identity === identity)) {
        const seen = pollers.map((poller) => poller.identity).join(', ') || 'none';
        throw new Error(`worker ${identity} is not polling ${transcodeTaskQueue} yet (pollers: ${seen})`);
      }
    },
    readyTimeoutMs: 60_000, // bundling the workflows takes a few seconds on 2 cores
  };
}

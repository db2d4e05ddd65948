import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentSpec, StackContext } from '../component.ts';
import { buildNodeProcess, type NodeBuild } from '../node-build.ts';
import { repoRoot } from '../paths.ts';
import { ffmpegTool } from '../tools/ffmpeg.ts';

/**
 * The UDP ports of the stack's SRT listeners: 9710-9729 beside RTMP's 1935, moved with the stack's offset. UDP ports
 * are their own space, so they never meet the TCP ports of this or another stack's layout.
 */
export function srtPortRange(ctx: StackContext): { first: number; last: number } {
  const first = ctx.ports.ingestRtmp - 1935 + 9710;
  return { first, last: first + 19 };
}

/** The ingest's SRT relay (ingest/srt-relay.ts): one FFmpeg SRT listener per SRT-enabled input, relaying into nginx-rtmp. */
export function ingestSrtComponent(ctx: StackContext, options: { originUrl?: string; pollSeconds?: number } = {}): ComponentSpec {
  const dir = join(ctx.dataDir, 'ingest');
  const readyFile = join(dir, 'srt-relay.ready');
  // A fresh token per start: readiness means *this* process read the relays, not a file a previous one left.
  let token = '';
  // Built JavaScript, not tsx at run time (~40 MiB less resident).
  let build: Promise<NodeBuild> | undefined;
  const built = () => (build ??= buildNodeProcess({ name: 'srt-relay', entry: 'ingest/srt-relay.ts' }));
  return {
    name: 'ingest-srt',
    url: `srt://127.0.0.1:${srtPortRange(ctx).first}-${srtPortRange(ctx).last} (one port per SRT-enabled input)`,
    ports: [],
    dependsOn: ['origin', 'ingest'],
    readyTimeoutMs: 30_000,
    async prepare() {
      await built();
    },
    async command() {
      const ffmpeg = await ffmpegTool.locate();
      if (!ffmpeg) throw new Error(`ffmpeg not found: ${ffmpegTool.fix}`);
      await mkdir(dir, { recursive: true });
      await rm(readyFile, { force: true });
      token = randomBytes(4).toString('hex');
      return {
        cmd: process.execPath,
        args: [(await built()).main],
        cwd: repoRoot,
        env: {
          VORA_ORIGIN_URL: options.originUrl ?? `http://127.0.0.1:${ctx.ports.origin}`,
          VORA_INTERNAL_SECRET: ctx.secrets.internalSecret,
          VORA_INGEST_RTMP_BASE: `rtmp://127.0.0.1:${ctx.ports.ingestRtmp}/live`,
          VORA_SRT_LISTEN_HOST: '127.0.0.1',
          VORA_SRT_POLL_SECONDS: String(options.pollSeconds ?? 2),
          VORA_SRT_READY_FILE: `${readyFile}.${token}`,
          FFMPEG_PATH: ffmpeg,
        },
      };
    },
    async probe() {
      await readFile(`${readyFile}.${token}`, 'utf8').catch(() => {
        throw new Error('the SRT relay has not read its listeners from the origin yet (GET /internal/live/srt-relays)');
      });
    },
  };
}

/** An OBS stand-in: FFmpeg publishing a lavfi test pattern + tone over RTMP, and an RTMP reader. */
import { spawn, type ChildProcess } from 'node:child_process';
import { run } from '../../stack/exec.ts';

export interface Publisher {
  child: ChildProcess;
  /** Resolves when FFmpeg exits, with its code and the tail of its stderr. */
  exited: Promise<{ code: number | null; stderr: string }>;
  /** SIGTERM, then wait for the exit (bounded by FFmpeg's own shutdown). */
  stop(): Promise<void>;
}

/** Publishes `seconds` of 320x240@25 test video with audio to `url` (`rtmp://…/live/{key}`, or an `srt://` URL: MPEG-TS), in real time. */
export function publishTestSource(url: string, options: { seconds?: number; size?: string; videoKbps?: number } = {}): Publisher {
  const seconds = String(options.seconds ?? 30);
  const size = options.size ?? '320x240';
  // Input-side -t: an output-side -t ends at once when timestamps are wall-clock based.
  const child = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-t', seconds, '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`,
    '-re', '-t', seconds, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '50', '-pix_fmt', 'yuv420p',
    // A known bitrate: x264's CBR with filler, so the stream carries this many bits whatever the picture.
    ...(options.videoKbps ? ['-b:v', `${options.videoKbps}k`, '-maxrate', `${options.videoKbps}k`, '-bufsize', `${options.videoKbps}k`, '-x264-params', 'nal-hrd=cbr:force-cfr=1'] : []),
    '-c:a', 'aac', '-b:a', '64k', '-f', url.startsWith('srt://') ? 'mpegts' : 'flv', url,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The streams an RTMP URL carries right now (ffprobe reads a few seconds of it), e.g. ['video', 'audio']. */
export async function probeRtmp(url: string): Promise<string[]> {
  const out = await run('ffprobe', ['-v', 'error', '-rw_timeout', '8000000', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', url], { timeoutMs: 15_000 });
  return out.split('\n').map((line) => line.trim()).filter(Boolean);
}

// CPU of the LL-HLS packager per rendition (llhls-packager-cpu, llhls-packager-vs-encoder).
// Run: node --import tsx bench/llhls-packager.ts [seconds of stream]
import { spawn } from 'node:child_process';
import { resolveLlhlsOptions } from '../origin/src/live/llhls/llhls-options.ts';
import { RenditionPackager } from '../origin/src/live/llhls/rendition-packager.ts';
import { modeNote, numberSetting, quick } from './lib/options.ts';
import { median, writeResults } from './lib/results.ts';

const seconds = numberSetting({ env: 'BENCH_LLHLS_SECONDS', position: 0 }, { full: 60, quick: 6 });
const rounds = quick ? 3 : 5;
const options = resolveLlhlsOptions({ partTargetSeconds: 0.36, segmentTargetSeconds: 2 });

/** The top rendition of a live ladder (720p30, 2.5 Mb/s, 2-s GOPs, 330-ms fragments), as FFmpeg's stdout chunks. */
async function encodeStream(): Promise<{ chunks: Buffer[]; encoderCpuMs: number }> {
  const args = [
    '-hide_banner', '-nostats', '-loglevel', 'info', '-benchmark', '-nostdin',
    '-t', String(seconds), '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
    '-t', String(seconds), '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '2500k', '-maxrate', '2500k', '-bufsize', '5000k',
    '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k',
    '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '330000', 'pipe:1',
  ];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`ffmpeg exited with ${code}: ${stderr.trim().split('\n').slice(-5).join('\n')}`);
  const bench = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
  if (!bench) throw new Error('ffmpeg -benchmark printed no "bench: utime=… stime=…" line');
  return { chunks, encoderCpuMs: (Number(bench[1]) + Number(bench[2])) * 1000 };
}

const cpuMs = (work: () => void): number => {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

/** The packager as the origin will run it: every chunk in, and the playlist rewritten at each new part (held reloads get it). */
function packageOnce(chunks: readonly Buffer[]): { parts: number; playlists: number } {
  const packager = new RenditionPackager(options);
  let parts = 0;
  let playlists = 0;
  const sibling = [{ uri: '../360p/playlist.m3u8', lastMSN: 1, lastPart: 0 }];
  packager.beginStream();
  for (const chunk of chunks) {
    const step = packager.push(chunk);
    if (step.error) throw new Error(`${step.error.code}: ${step.error.message}`);
    for (const event of step.events) {
      if (event.kind === 'warning') throw new Error(`packager warning on FFmpeg's stream: ${event.message}`);
      if (event.kind !== 'part') continue;
      parts++;
      if (packager.playlist(sibling)) playlists++;
    }
  }
  packager.end();
  return { parts, playlists };
}

/** Baseline: what merely relaying the same bytes costs (each chunk copied once, as any store-and-forward does). */
function relayOnce(chunks: readonly Buffer[]): number {
  let bytes = 0;
  for (const chunk of chunks) bytes += Buffer.from(chunk).byteLength;
  return bytes;
}

const { chunks, encoderCpuMs } = await encodeStream();
const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
const warm = packageOnce(chunks); // JIT warm-up and a sanity check
relayOnce(chunks);
const packagerMs: number[] = [];
const relayMs: number[] = [];
for (let round = 0; round < rounds; round++) {
  // Alternate which side goes first, so neither always runs on a cache warmed by the other.
  const sides = [() => packagerMs.push(cpuMs(() => packageOnce(chunks))), () => relayMs.push(cpuMs(() => relayOnce(chunks)))];
  for (const side of round % 2 === 0 ? sides : sides.reverse()) side();
}
const packager = median(packagerMs);
const relay = median(relayMs);
const share = (ms: number) => (ms / (seconds * 1000)) * 100;
console.log(`${seconds} s of 720p fMP4: ${(bytes / 2 ** 20).toFixed(1)} MiB in ${chunks.length} chunks, ${warm.parts} parts, ${warm.playlists} playlists written`);
console.log(`packager ${packager.toFixed(1)} ms CPU (${share(packager).toFixed(3)} % of a core in real time); relay ${relay.toFixed(1)} ms; FFmpeg encode ${encoderCpuMs.toFixed(0)} ms`);

const notes = (extra: string) => [extra, `median of ${rounds} rounds after a warm-up, process.cpuUsage around the feeding`, modeNote].filter(Boolean).join('; ');
await writeResults('llhls-packager', [
  {
    name: 'llhls-packager-cpu', value: share(packager), unit: '% of a core', better: 'lower',
    baseline: 'relaying the same bytes (each chunk copied once)', baselineValue: share(relay),
    goal: { text: '≤ 1% of one core per rendition', valueAtMost: 1 },
    notes: notes(`${seconds} s of 720p30 2.5 Mb/s fMP4 (${(bytes / 2 ** 20).toFixed(1)} MiB, ${chunks.length} pipe chunks, ${warm.parts} parts), playlist rewritten at each part; ${packager.toFixed(1)} ms CPU`),
  },
  {
    name: 'llhls-packager-vs-encoder', value: packager, unit: 'ms CPU', better: 'lower',
    baseline: 'FFmpeg encoding the same rendition (utime + stime, -benchmark)', baselineValue: encoderCpuMs,
    goal: { text: 'negligible beside the encoder (ratio ≤ 0.02)', ratioAtMost: 0.02 },
    notes: notes(`x264 ultrafast 720p30, ${seconds} s`),
  },
]);

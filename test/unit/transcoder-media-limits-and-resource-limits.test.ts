import { describe, expect, it } from 'vitest';
import { cpuSecondsOfStat, encodeCpuSeconds, limitedCommand, limitFailureReason, limitHit } from '../../transcoder/src/ffmpeg/resource-limits.ts';
import { defaultMediaLimits, judgeMediaLimits } from '../../transcoder/src/probe/media-limits.ts';

const video = (width: number, height: number, rate = '30/1') => ({ codec_type: 'video', codec_name: 'h264', width, height, avg_frame_rate: rate, r_frame_rate: rate });
const audio = { codec_type: 'audio', codec_name: 'aac' };
const probe = (streams: object[], format: object = { duration: '8.0', size: '800000' }) => ({ streams, format });
const reasonOf = (json: unknown) => {
  const verdict = judgeMediaLimits(json);
  return verdict.ok ? null : verdict.reason;
};

describe('judgeMediaLimits', () => {
  it('accepts ordinary sources: 1080p30 with audio, 8K 60 fps, a 4K still cover beside audio, a WebM whose r_frame_rate is its time base', () => {
    expect(judgeMediaLimits(probe([video(1920, 1080), audio]))).toEqual({ ok: true });
    expect(judgeMediaLimits(probe([video(7680, 4320, '60/1')]))).toEqual({ ok: true });
    expect(judgeMediaLimits(probe([{ ...video(4000, 4000), disposition: { attached_pic: 1 } }, audio]))).toEqual({ ok: true });
    expect(judgeMediaLimits(probe([{ ...video(1280, 720, '0/0'), r_frame_rate: '1000/1' }]))).toEqual({ ok: true });
    expect(judgeMediaLimits('not ffprobe output')).toEqual({ ok: true });
  });

  it('refuses a picture over 8192 px a side or over 36 Mpx', () => {
    expect(reasonOf(probe([video(8192, 8192)]))).toBe('it is beyond what Vora transcodes: a 8192x8192 picture (at most 8192 px a side and 36 Mpx)');
    expect(reasonOf(probe([video(16384, 64)]))).toMatch(/a 16384x64 picture/);
    expect(reasonOf(probe([video(8192, 4320)]))).toBeNull(); // 35.4 Mpx
    expect(reasonOf(probe([video(8192, 4400)]))).toMatch(/a 8192x4400 picture/); // 36.04 Mpx
  });

  it('refuses more than 240 frames per second, by the average rate', () => {
    expect(reasonOf(probe([video(320, 240, '1000/1')]))).toBe('it is beyond what Vora transcodes: 1000 frames per second (at most 240)');
    expect(reasonOf(probe([video(320, 240, '240/1')]))).toBeNull();
  });

  it('refuses more than 64 streams, huge metadata and huge attachments', () => {
    expect(reasonOf(probe([video(320, 240), ...Array.from({ length: 299 }, () => audio)]))).toMatch(/300 streams \(at most 64\)/);
    expect(reasonOf({ ...probe([video(320, 240)]), format: { duration: '8', size: '800000', tags: { comment: 'x'.repeat(1024 * 1024) } } })).toMatch(/1\.0 MiB of metadata \(at most 0\.3 MiB\)/);
    expect(reasonOf(probe([video(320, 240), { codec_type: 'attachment', extradata_size: 20 * 1024 * 1024 }]))).toMatch(/20\.0 MiB of attachments \(at most 16\.0 MiB\)/);
  });

  it('refuses hours claimed by a few bytes, but not a short clip nor a long, lean one', () => {
    expect(reasonOf(probe([video(320, 240)], { duration: '36000.5', size: '2000' }))).toMatch(/a claimed 36001 s in 2000 bytes \(0\.1 bytes\/s; a real video has at least 125\)/);
    expect(reasonOf(probe([video(320, 240)], { duration: '30', size: '2000' }))).toBeNull();
    expect(reasonOf(probe([video(320, 240)], { duration: '3600', size: String(3600 * 2_000) }))).toBeNull();
  });

  it('names every limit a source breaks at once', () => {
    const verdict = judgeMediaLimits(probe([video(9000, 9000, '500/1'), ...Array.from({ length: 70 }, () => audio)]));
    expect(verdict.ok === false && verdict.broken).toHaveLength(3);
  });

  it('takes its limits as data', () => {
    expect(judgeMediaLimits(probe([video(1920, 1080)]), { ...defaultMediaLimits, maxSide: 1280 }).ok).toBe(false);
  });
});

describe('limitedCommand', () => {
  it('wraps the command in prlimit with the data and CPU limits, or leaves it alone', () => {
    expect(limitedCommand('ffmpeg', ['-i', 'x'], { memoryMb: 1024, cpuSeconds: 660 })).toEqual({ command: 'prlimit', args: ['--data=1073741824', '--cpu=660:661', '--', 'ffmpeg', '-i', 'x'] });
    expect(limitedCommand('ffprobe', ['-i', 'x'], { memoryMb: 0 })).toEqual({ command: 'ffprobe', args: ['-i', 'x'] });
    expect(limitedCommand('ffprobe', ['-i', 'x'])).toEqual({ command: 'ffprobe', args: ['-i', 'x'] });
  });

  it('gives an encode 10 min plus 60 CPU seconds per source second, or the budget it is given', () => {
    expect([0, 8, 300.2, Number.NaN].map((seconds) => encodeCpuSeconds(seconds))).toEqual([600, 1080, 18612, 600]);
    expect(encodeCpuSeconds(4, { baseSeconds: 2, perSourceSecond: 1 })).toBe(6);
    expect(encodeCpuSeconds(4.2, { baseSeconds: 0, perSourceSecond: 0.5 })).toBe(3);
    // Both 0: no CPU limit (limitedCommand leaves --cpu out).
    expect(encodeCpuSeconds(60, { baseSeconds: 0, perSourceSecond: 0 })).toBe(0);
    expect(limitedCommand('ffmpeg', ['-i', 'x'], { cpuSeconds: encodeCpuSeconds(60, { baseSeconds: 0, perSourceSecond: 0 }) })).toEqual({ command: 'ffmpeg', args: ['-i', 'x'] });
  });
});

describe('limitHit', () => {
  const limits = { memoryMb: 512, cpuSeconds: 600 };
  it('names the CPU limit from the kill signal and the memory limit from the last words', () => {
    expect(limitHit({ signal: 'SIGXCPU', stderr: '' }, limits)).toEqual({ limit: 'cpu', text: 'used up its CPU limit (600 s) and was killed' });
    expect(limitHit({ signal: 'SIGKILL', stderr: '' }, limits)?.limit).toBe('cpu');
    expect(limitHit({ signal: null, stderr: 'x264 [error]: malloc of size 7332480 failed' }, limits)).toEqual({ limit: 'memory', text: 'needed more than its memory limit (512 MiB)' });
    expect(limitHit({ stderr: 'Error while decoding stream #0:0: Cannot allocate memory' }, limits)?.limit).toBe('memory');
    // Threads that get no stack: EAGAIN from pthread_create when the decoder opens.
    expect(limitHit({ stderr: 'Error while opening decoder for input stream #0:0 : Resource temporarily unavailable' }, limits)?.limit).toBe('memory');
    expect(limitHit({ stderr: 'http: Resource temporarily unavailable' }, limits)).toBeNull();
  });
  it('takes FFmpeg exiting 255 (it catches SIGXCPU) at its CPU limit for the limit, and a kill far below it for something else', () => {
    const cpu = { cpuSeconds: 3 };
    // Seen at 2.4 CPU s a moment before it exited 255: the soft limit's SIGXCPU, caught.
    expect(limitHit({ exitCode: 255, stderr: '', cpuSeconds: 2.4 }, cpu)?.limit).toBe('cpu');
    expect(limitHit({ signal: 'SIGKILL', stderr: '', cpuSeconds: 3.9 }, cpu)?.limit).toBe('cpu');
    // A SIGTERM (exit 255) or the OOM killer's SIGKILL at a fraction of the budget is not the CPU limit.
    expect(limitHit({ exitCode: 255, stderr: '', cpuSeconds: 0.4 }, cpu)).toBeNull();
    expect(limitHit({ signal: 'SIGKILL', stderr: '', cpuSeconds: 0.4 }, cpu)).toBeNull();
    // CPU time unknown (no /proc): the kernel's signals alone, never a bare 255.
    expect(limitHit({ exitCode: 255, stderr: '' }, cpu)).toBeNull();
    expect(limitHit({ signal: 'SIGXCPU', stderr: '' }, cpu)?.limit).toBe('cpu');
    expect(limitHit({ exitCode: 1, stderr: '', cpuSeconds: 3 }, cpu)).toBeNull();
  });

  it('reads CPU seconds from /proc/PID/stat, whatever the process name holds', () => {
    const stat = '4242 (ffmpeg) odd) name) R 1 4242 4242 0 -1 4194304 100 0 0 0 250 37 0 0 30 10 3 0 1000 0 0';
    expect(cpuSecondsOfStat(stat)).toBeCloseTo(2.87);
  });

  it('is silent for other failures, and for limits that were not set', () => {
    expect(limitHit({ signal: null, stderr: 'Invalid data found when processing input' }, limits)).toBeNull();
    expect(limitHit({ signal: 'SIGXCPU', stderr: 'Cannot allocate memory' }, {})).toBeNull();
  });
});

describe('limitFailureReason', () => {
  it('names the limit that stopped the process and the setting an operator raises', () => {
    expect(limitFailureReason('FFmpeg', { limit: 'cpu', text: 'used up its CPU limit (6 s) and was killed' })).toBe(
      'it is beyond what Vora transcodes: FFmpeg used up its CPU limit (6 s) and was killed — if such sources are expected, raise TRANSCODE_FFMPEG_CPU_SECONDS and TRANSCODE_FFMPEG_CPU_SECONDS_PER_SOURCE_SECOND on the transcoder',
    );
    expect(limitFailureReason('FFmpeg', { limit: 'memory', text: 'needed more than its memory limit (48 MiB)' })).toMatch(/memory limit \(48 MiB\) — if such sources are expected, raise TRANSCODE_FFMPEG_MEMORY_MB on the transcoder$/);
    expect(limitFailureReason('ffprobe', { limit: 'memory', text: 'needed more than its memory limit (64 MiB)' })).toMatch(/^it is beyond what Vora transcodes: ffprobe needed .* raise FFPROBE_MEMORY_MB on the transcoder$/);
  });
});

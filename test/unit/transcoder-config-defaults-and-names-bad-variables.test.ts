import { describe, expect, it } from 'vitest';
import { loadTranscoderConfig } from '../../transcoder/src/config.ts';

describe('loadTranscoderConfig', () => {
  it('defaults to the local stack', () => {
    const config = loadTranscoderConfig({});
    expect(config.temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default', identity: undefined });
    expect(config.ffprobe).toEqual({ path: 'ffprobe', timeoutMs: 60_000, memoryMb: 1024 });
    expect(config.ffmpeg.memoryMb).toBe(4096);
    expect(config.ffmpeg.cpuBudget).toEqual({ baseSeconds: 600, perSourceSecond: 60 });
    expect(config.s3).toMatchObject({ endpoint: 'http://127.0.0.1:9000', rawBucket: 'vora-raw', mediaBucket: 'vora-media' });
  });

  it('reads the environment', () => {
    const config = loadTranscoderConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233', FFPROBE_TIMEOUT_MS: '5000', LOG_LEVEL: 'warn' });
    expect(config.temporal.address).toBe('temporal.internal:7233');
    expect(config.ffprobe.timeoutMs).toBe(5000);
    expect(config.logLevel).toBe('warn');
    expect(loadTranscoderConfig({ TRANSCODE_FFMPEG_MEMORY_MB: '0', FFPROBE_MEMORY_MB: '256' })).toMatchObject({ ffmpeg: { memoryMb: 0 }, ffprobe: { memoryMb: 256 } });
    expect(loadTranscoderConfig({ TRANSCODE_FFMPEG_CPU_SECONDS: '2', TRANSCODE_FFMPEG_CPU_SECONDS_PER_SOURCE_SECOND: '0.5' }).ffmpeg.cpuBudget).toEqual({ baseSeconds: 2, perSourceSecond: 0.5 });
    expect(() => loadTranscoderConfig({ TRANSCODE_FFMPEG_CPU_SECONDS: '-1' })).toThrow(/TRANSCODE_FFMPEG_CPU_SECONDS:/);
  });

  it('captions with pocketsphinx from Debian unless a Whisper model is configured, with both of its variables', () => {
    expect(loadTranscoderConfig({}).captions).toEqual({
      engines: { preference: 'auto', pocketsphinx: { path: 'pocketsphinx_continuous', modelDir: '/usr/share/pocketsphinx/model/en-us' } },
      niceness: 15,
      memoryMb: 4096,
    });
    const whisper = loadTranscoderConfig({ FASTER_WHISPER_PYTHON: '/v/bin/python', FASTER_WHISPER_MODEL_DIR: '/m', CAPTIONS_THREADS: '1', TRANSCODE_CAPTIONS_SLOTS: '2' });
    expect(whisper.captions.engines.fasterWhisper).toEqual({ python: '/v/bin/python', modelDir: '/m', threads: 1 });
    expect(whisper.slots.captions).toBe(2);
    expect(() => loadTranscoderConfig({ FASTER_WHISPER_PYTHON: '/v/bin/python' })).toThrow(/FASTER_WHISPER_MODEL_DIR: set both FASTER_WHISPER_PYTHON and FASTER_WHISPER_MODEL_DIR, or neither/);
    expect(() => loadTranscoderConfig({ CAPTIONS_ENGINE: 'siri' })).toThrow(/CAPTIONS_ENGINE/);
  });

  it('polls every task queue by default, or the ones TRANSCODE_TASK_QUEUES names (a live pool: vora-live alone)', () => {
    expect(loadTranscoderConfig({}).taskQueues).toEqual(['vora-transcode', 'vora-playable', 'vora-live', 'vora-captions']);
    expect(loadTranscoderConfig({ TRANSCODE_TASK_QUEUES: ' vora-live , vora-live' }).taskQueues).toEqual(['vora-live']);
    expect(() => loadTranscoderConfig({ TRANSCODE_TASK_QUEUES: 'vora-live,vora-origin' })).toThrow(/TRANSCODE_TASK_QUEUES: comma-separated task queues among vora-transcode, vora-playable, vora-live, vora-captions/);
    expect(() => loadTranscoderConfig({ TRANSCODE_TASK_QUEUES: ' , ' })).toThrow(/TRANSCODE_TASK_QUEUES/);
  });

  it('names every bad variable at once', () => {
    expect(() => loadTranscoderConfig({ TEMPORAL_ADDRESS: 'http://x', FFPROBE_TIMEOUT_MS: '-1', S3_ENDPOINT: 'nope' })).toThrow(
      /TEMPORAL_ADDRESS: expected host:port.*FFPROBE_TIMEOUT_MS.*S3_ENDPOINT/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { sweepVerdict, transcodeStartRetryDelayMs, type TranscodeWorkflowStatus } from '../../origin/src/workflow/stuck-video-rules.ts';

describe('transcodeStartRetryDelayMs', () => {
  it('waits 1 s after the first failure, doubling, never more than 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50, 10_000].map(transcodeStartRetryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  });
});

describe('sweepVerdict', () => {
  it('leaves a running (or paused, or continued) workflow alone', () => {
    for (const status of ['RUNNING', 'CONTINUED_AS_NEW', 'PAUSED', 'UNSPECIFIED', 'UNKNOWN'] as const) expect(sweepVerdict('vid_a', status)).toEqual({ action: 'leave' });
  });

  it('restarts a video Temporal has no workflow for', () => {
    expect(sweepVerdict('vid_a', 'NOT_FOUND')).toEqual({ action: 'restart' });
  });

  it('fails a video whose workflow ended without it, naming the workflow and how it ended', () => {
    const ended: TranscodeWorkflowStatus[] = ['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT'];
    for (const status of ended) {
      const verdict = sweepVerdict('vid_a', status);
      expect(verdict.action).toBe('fail');
      expect(verdict.action === 'fail' && verdict.reason).toContain(`video-vid_a ended ${status}`);
    }
    const completed = sweepVerdict('vid_b', 'COMPLETED');
    expect(completed.action === 'fail' && completed.reason).toMatch(/video-vid_b completed without marking the video READY/);
  });
});

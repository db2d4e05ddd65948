import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startInBackground } from '../../origin/src/background-start.ts';
import { sleep, waitFor } from '../support/wait.ts';

const log = pino({ level: 'silent' });

describe('startInBackground', () => {
  it('retries a start that fails until it succeeds, then stops what it started', async () => {
    let attempts = 0;
    let stopped = 0;
    const worker = startInBackground('test_worker', async () => {
      attempts += 1;
      if (attempts < 3) throw new Error('Temporal is not up yet');
      return { stop: async () => void (stopped += 1) };
    }, log, 10);
    await worker.started;
    expect(attempts).toBe(3);
    await worker.stop();
    expect(stopped).toBe(1);
  });

  it('stops retrying once stopped, even if it never started', async () => {
    let attempts = 0;
    const worker = startInBackground('test_worker', async () => {
      attempts += 1;
      throw new Error('Kafka is down');
    }, log, 10);
    await waitFor(() => attempts >= 2, { what: 'a second attempt', timeoutMs: 2_000, everyMs: 5 });
    await worker.stop();
    const seen = attempts;
    await sleep(50); // five retry intervals with nothing to wait for: the absence of another attempt is the claim
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(attempts).toBe(seen);
  });
});

import type { Consumer } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runConsumerForever } from '../../origin/src/kafka.ts';

/** A consumer whose `connect` fails `failures` times (a broker that is not up yet), recording every call. */
function flakyConsumer(failures: number) {
  const calls: string[] = [];
  let left = failures;
  const consumer = {
    connect: async () => {
      calls.push('connect');
      if (left-- > 0) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    },
    subscribe: async ({ topic, fromBeginning }: { topic: string; fromBeginning: boolean }) => void calls.push(`subscribe ${topic} ${fromBeginning}`),
    run: async () => void calls.push('run'),
    disconnect: async () => void calls.push('disconnect'),
  };
  return { consumer: consumer as unknown as Consumer, calls };
}

function capturedLog() {
  const lines: Array<{ event: string; attempt: number }> = [];
  return { lines, log: pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

describe('runConsumerForever', () => {
  it('retries while Kafka does not answer, logging each miss, then subscribes to every topic and runs', async () => {
    const { consumer, calls } = flakyConsumer(2);
    const { lines, log } = capturedLog();
    await runConsumerForever(consumer, ['a', 'b'], { eachMessage: async () => {} }, { name: 'test_consumer', log, retryMs: 10, signal: new AbortController().signal, fromBeginning: true });
    expect(calls).toEqual(['connect', 'disconnect', 'connect', 'disconnect', 'connect', 'subscribe a true', 'subscribe b true', 'run']);
    expect(lines.map(({ event, attempt }) => [event, attempt])).toEqual([['test_consumer_unavailable', 1], ['test_consumer_unavailable', 2]]);
  });

  it('stops retrying as soon as its owner stops it, even in the middle of a wait', async () => {
    const { consumer, calls } = flakyConsumer(Number.POSITIVE_INFINITY);
    const stopping = new AbortController();
    const running = runConsumerForever(consumer, ['a'], { eachMessage: async () => {} }, { name: 'test_consumer', log: capturedLog().log, retryMs: 60_000, signal: stopping.signal });
    // In the wait once the first miss is logged and the consumer reset.
    for (let polls = 0; !calls.includes('disconnect') && polls < 200; polls += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const stoppedAt = Date.now();
    stopping.abort();
    await running;
    expect(Date.now() - stoppedAt).toBeLessThan(1_000);
    expect(calls).toEqual(['connect', 'disconnect']);
  });
});

import { createServer } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { VideoEvent } from '../../contracts/video-events.ts';
import { createVideoEventPublisher, newVideoEvent } from '../../origin/src/events/video-events.ts';
import { kafkaClient } from '../../origin/src/kafka.ts';

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('video events', () => {
  it('are built valid, with a unique id and type video.<state>', () => {
    const event = newVideoEvent('vid_a', 'FAILED', { reason: 'not a video', at: new Date('2026-01-01T00:00:00Z') });
    expect(VideoEvent.parse(event)).toEqual({ id: expect.stringMatching(/^evt_/), type: 'video.failed', videoId: 'vid_a', state: 'FAILED', at: '2026-01-01T00:00:00.000Z', reason: 'not a video' });
    expect(newVideoEvent('vid_a', 'READY').id).not.toBe(newVideoEvent('vid_a', 'READY').id);
    expect(VideoEvent.safeParse({ ...event, type: 'video.ready' }).success).toBe(false);
  });

  it('are dropped, logged and counted — never thrown — when Kafka is down, and quickly after a failure', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const publisher = createVideoEventPublisher(kafkaClient([`127.0.0.1:${await closedPort()}`], 'video-events'), { log, timeoutMs: 2_000 });
    try {
      let startedAt = Date.now();
      await expect(publisher.publish(newVideoEvent('vid_a', 'PROCESSING'))).resolves.toBeUndefined();
      expect(Date.now() - startedAt).toBeLessThan(2_500);
      startedAt = Date.now();
      await publisher.publish(newVideoEvent('vid_a', 'READY'));
      // Paused after the failure: no second wait, which would take the whole 2 s timeout (bound loose for a busy box).
      expect(Date.now() - startedAt).toBeLessThan(1_000);
      await publisher.publish({ ...newVideoEvent('vid_a', 'READY'), state: 'NOPE' } as never);
      expect(publisher.stats()).toEqual({ sent: 0, dropped: 3 });
      expect(lines).toHaveLength(3);
      expect(JSON.parse(lines[0]!)).toMatchObject({ event: 'video_event_dropped', videoId: 'vid_a' });
    } finally {
      await publisher.close();
    }
  });
});

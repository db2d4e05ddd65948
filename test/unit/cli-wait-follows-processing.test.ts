import { describe, expect, it } from 'vitest';
import type { JsonClient } from '../../cli/lib/api-client.ts';
import { followProcessing, processingLine } from '../../cli/lib/follow.ts';

/** A client that answers GET /v1/videos/:id from a script of states, one per poll. */
function scriptedClient(steps: Array<{ state: string; progress: number; failureReason?: string }>): JsonClient & { polls: number } {
  const client = {
    baseUrl: 'http://origin.test',
    polls: 0,
    async request<T>(method: string, path: string): Promise<T> {
      expect([method, path]).toEqual(['GET', '/v1/videos/vid_1']);
      const step = steps[Math.min(client.polls++, steps.length - 1)]!;
      return { id: 'vid_1', failureReason: null, ...step } as T;
    },
    async send<T>(): Promise<T> {
      throw new Error('waiting sends no body');
    },
  };
  return client;
}

const noSleep = async () => {};

describe('vora upload --wait', () => {
  it('reports each change of state or whole percent once, and ends at READY', async () => {
    const client = scriptedClient([
      { state: 'PROCESSING', progress: 0 },
      { state: 'PROCESSING', progress: 0.001 },
      { state: 'PROCESSING', progress: 0.5 },
      { state: 'PLAYABLE', progress: 0.7 },
      { state: 'READY', progress: 1 },
    ]);
    const lines: string[] = [];
    const video = await followProcessing(client, 'vid_1', { onChange: (line) => lines.push(line), sleep: noSleep });
    expect(video.state).toBe('READY');
    expect(lines).toEqual(['PROCESSING 0%', 'PROCESSING 50%', 'PLAYABLE 70%', 'READY 100%']);
    expect(client.polls).toBe(5);
  });

  it('ends with the failure reason when processing FAILED', async () => {
    const client = scriptedClient([{ state: 'PROCESSING', progress: 0.2 }, { state: 'FAILED', progress: 0.2, failureReason: 'the file is not a video' }]);
    await expect(followProcessing(client, 'vid_1', { onChange: () => {}, sleep: noSleep })).rejects.toThrow('video vid_1 FAILED: the file is not a video');
  });

  it('prints whole percents', () => {
    expect(processingLine({ state: 'PROCESSING', progress: 0.999 })).toBe('PROCESSING 99%');
  });
});

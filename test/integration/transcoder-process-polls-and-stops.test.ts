/**
 * The transcoder as `vora dev` runs it: its own process against a real Temporal dev server. Ready
 * means this very process polls `vora-transcode` (not a leftover poller); SIGTERM stops it cleanly.
 * What the workflow does is proven by the transcode-ladder-* tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackContext, type StackContext } from '../../stack/component.ts';
import { temporalComponent } from '../../stack/components/temporal.ts';
import { transcoderComponent } from '../../stack/components/transcoder.ts';
import { groupRssKib } from '../../stack/memory.ts';
import { StackRunner } from '../../stack/runner.ts';
import { fakeSecrets } from '../support/secrets.ts';
import { testPorts } from '../support/ports.ts';

const ports = await testPorts(import.meta.url);
const secrets = fakeSecrets();
let dataDir: string;
let ctx: StackContext;
let temporal: StackRunner;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vora-transcoder-process-'));
  ctx = stackContext(ports, secrets, dataDir);
  temporal = new StackRunner([temporalComponent(ctx)], ctx.logDir);
  await temporal.start();
});

afterAll(async () => {
  await temporal?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the transcoder component', () => {
  it('is not ready before its process polls, is ready once it does, and is gone after a stop', async () => {
    const component = transcoderComponent(ctx);
    await expect(component.probe()).rejects.toThrow(/is not polling vora-transcode/);
    const worker = new StackRunner([component], ctx.logDir);
    try {
      await worker.start();
      const state = worker.states.get('transcoder')!;
      const rss = await groupRssKib(worker.pids());
      console.log(`transcoder process ready in ${state.readyMs} ms, ${((rss.get(state.pid!) ?? 0) / 1024).toFixed(0)} MiB resident`);
      expect(state.status).toBe('ready');
    } finally {
      await worker.stop();
    }
    const pid = worker.states.get('transcoder')!.pid!;
    expect(() => process.kill(pid, 0)).toThrow();
    // A fresh probe after the stop must fail again: the probe looks for this process's identity.
    await expect(transcoderComponent(ctx).probe()).rejects.toThrow(/is not polling vora-transcode/);
  });
});

import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ComponentSpec } from '../../stack/component.ts';
import { StackRunner } from '../../stack/runner.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A shell that notes when SIGTERM reaches it and, a second later, that it is leaving: a component with a slow shutdown. */
const slowStopper = (name: string, journal: string, dependsOn: string[] = []): ComponentSpec => ({
  name,
  url: '',
  ports: [],
  dependsOn,
  command: async () => ({
    cmd: 'sh',
    args: ['-c', `trap 'echo "${name} asked" >> "${journal}"; sleep 1; echo "${name} gone" >> "${journal}"; exit 0' TERM; : > "${journal}.${name}"; while :; do sleep 0.1; done`],
  }),
  // Ready once its trap is set.
  probe: () => access(`${journal}.${name}`),
});

describe('StackRunner.stop', () => {
  it('stops the components of a wave together, and dependants before what they depend on', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vora-runner-stop-'));
    const journal = join(dir, 'journal');
    const runner = new StackRunner(
      [slowStopper('store', journal), slowStopper('api', journal, ['store']), slowStopper('worker', journal, ['store'])],
      join(dir, 'logs'),
    );
    await runner.start();
    await runner.stop(10_000);
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    // Both of the last wave were asked before either had gone; the store only after both had gone.
    expect(lines.slice(0, 2).sort()).toEqual(['api asked', 'worker asked']);
    expect(lines.slice(2, 4).sort()).toEqual(['api gone', 'worker gone']);
    expect(lines.slice(4)).toEqual(['store asked', 'store gone']);
    expect([...runner.states.values()].map((state) => state.status)).toEqual(['stopped', 'stopped', 'stopped']);
  });
});

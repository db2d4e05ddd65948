import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConfigUpdateMessage, JsonPatch } from '../../contracts/channel-config.ts';
import { applyUpdate, extendRun, proposeUpdate, rootState, runFromRootMessage, updateMessage, type ConfigState, type RunFromRoot } from '../../channel-config/chain.ts';
import { canonicalJson } from '../../channel-config/canonical-json.ts';
import { rootHash } from '../../channel-config/root.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const patches: JsonPatch[] = [
  [{ op: 'replace', path: '/chat/slowModeSeconds', value: 10 }],
  [{ op: 'add', path: '/chat/bannedWords/-', value: 'spam' }, { op: 'replace', path: '/playback/maxResolution', value: 720 }],
  [{ op: 'add', path: '/ladder/renditions', value: ['720p', '360p'] }],
];

let root: ConfigState;
let states: ConfigState[];
let messages: ConfigUpdateMessage[];
let run: RunFromRoot;

beforeAll(async () => {
  root = rootState(await rootHash('chain-test'));
  states = [root];
  messages = [];
  run = { patch: [], steps: [] };
  for (const patch of patches) {
    const held = states.at(-1)!;
    const outcome = await proposeUpdate(held, { base: held.hash, patch });
    if (!outcome.ok) throw new Error(`setup: ${JSON.stringify(outcome)}`);
    states.push(outcome.state);
    messages.push(outcome.message);
    run = extendRun(run, { base: held.hash, patch });
  }
});

describe('the configuration hash chain', () => {
  it('hashes each update as SHA-256 of canonical {base, patch}, so each hash contains the previous one', () => {
    for (const [index, patch] of patches.entries()) {
      expect(states[index + 1]!.hash).toBe(sha256(canonicalJson({ base: states[index]!.hash, patch })));
      expect(states[index + 1]!.height).toBe(index + 1);
    }
    expect(states.at(-1)!.config).toMatchObject({ chat: { slowModeSeconds: 10, bannedWords: ['spam'] }, playback: { maxResolution: 720 }, ladder: { renditions: ['720p', '360p'] } });
  });

  it('gives the same hashes for the same inputs, and different ones when the order changes', async () => {
    const again = await proposeUpdate(root, { base: root.hash, patch: patches[0]! });
    expect(again.ok && again.state.hash).toBe(states[1]!.hash);
    const swapped = await proposeUpdate(root, { base: root.hash, patch: patches[1]! });
    expect(swapped.ok && swapped.state.hash).not.toBe(states[1]!.hash);
  });

  it('ignores an update on an unknown hash (a gap) and changes nothing', async () => {
    const held = structuredClone(states[1]!);
    const outcome = await applyUpdate(held, messages[2]!);
    expect(outcome).toEqual({ ok: false, reason: 'gap', base: states[2]!.hash, held: states[1]!.hash });
    expect(held).toEqual(states[1]);
  });

  it('ignores a redelivered update as stale, and a message for another channel', async () => {
    expect(await applyUpdate(states[2]!, messages[1]!)).toEqual({ ok: false, reason: 'stale' });
    expect(await applyUpdate(states[3]!, messages[2]!)).toEqual({ ok: false, reason: 'stale' });
    const other = rootState(await rootHash('another-channel'));
    expect(await applyUpdate(other, messages[0]!)).toEqual({ ok: false, reason: 'other-root' });
  });

  it('replaying the run from the root reproduces the latest hash and configuration, from any held state', async () => {
    const answer = runFromRootMessage(root.rootHash, states.at(-1)!.hash, run);
    expect(answer).toMatchObject({ base: root.hash, steps: [1, 2, 1], height: 3 });
    for (const held of states.slice(0, -1)) {
      const outcome = await applyUpdate(held, answer);
      expect(outcome.ok && outcome.state).toEqual(states.at(-1));
    }
    expect(await applyUpdate(states.at(-1)!, answer)).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses a run whose hash, height or step counts do not add up', async () => {
    const answer = runFromRootMessage(root.rootHash, states.at(-1)!.hash, run);
    const tampered: Array<[ConfigUpdateMessage, RegExp]> = [
      [{ ...answer, hash: states[2]!.hash }, /not at .* as the message says/],
      [{ ...answer, patch: answer.patch.slice(1) }, /steps add up to 4 operations but the patch has 3/],
      [{ ...answer, steps: [2, 1, 1] }, /not at/],
      [{ ...answer, height: 4 }, /cannot end at height 4/],
      [{ ...messages[1]!, height: 5 }, /not at .* \(height 5\)/],
    ];
    for (const [message, reason] of tampered) {
      const outcome = await applyUpdate(states[1]!, message);
      expect(outcome.ok, reason.source).toBe(false);
      if (!outcome.ok && outcome.reason === 'invalid') expect(outcome.message).toMatch(reason);
      else throw new Error(`expected invalid, got ${JSON.stringify(outcome)}`);
    }
  });

  it('refuses a patch that yields an invalid configuration, naming the JSON pointer', async () => {
    const latest = states.at(-1)!;
    const cases: Array<[JsonPatch, string]> = [
      [[{ op: 'replace', path: '/chat/maxLength', value: 0 }], '/chat/maxLength'],
      [[{ op: 'replace', path: '/chat/maxLength', value: 2001 }], '/chat/maxLength'],
      [[{ op: 'add', path: '/chat/colour', value: 'red' }], '/chat/colour'],
      [[{ op: 'add', path: '/playback/allowedPlayerOrigins/-', value: 'https://ok.example' }, { op: 'add', path: '/playback/allowedPlayerOrigins/-', value: 'not an origin' }], '/playback/allowedPlayerOrigins/1'],
      [[{ op: 'replace', path: '/playback/maxResolution', value: 480 }], '/playback/maxResolution'],
      [[{ op: 'remove', path: '/chat/rateLimit/messages' }], '/chat/rateLimit/messages'],
      [[{ op: 'replace', path: '/chat/nothing/here', value: 1 }], '/chat/nothing/here'],
      [[{ op: 'add', path: '/ladder/renditions/-', value: '720p' }], '/ladder/renditions'],
      [[{ op: 'test', path: '/chat/slowModeSeconds', value: 11 }], '/chat/slowModeSeconds'],
      [[{ op: 'add', path: '/__proto__/polluted', value: true }], '/__proto__/polluted'],
    ];
    for (const [patch, path] of cases) {
      const outcome = await proposeUpdate(latest, { base: latest.hash, patch });
      expect(outcome, path).toMatchObject({ ok: false, reason: 'invalid', path });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(latest).toEqual(states.at(-1));
  });

  it('reports a conflict when the base is not the latest hash', async () => {
    const outcome = await proposeUpdate(states[3]!, { base: states[2]!.hash, patch: patches[0]! });
    expect(outcome).toEqual({ ok: false, reason: 'conflict', latest: states[3]!.hash });
  });

  it('describes one update as a run of one', async () => {
    expect(await updateMessage(states[0]!, { base: root.hash, patch: patches[0]! })).toEqual(messages[0]);
    expect(messages[1]).toMatchObject({ base: states[1]!.hash, steps: [2], height: 2, hash: states[2]!.hash, rootHash: root.rootHash });
  });
});

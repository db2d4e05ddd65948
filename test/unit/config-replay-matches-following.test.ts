import { describe, expect, it } from 'vitest';
import type { ConfigUpdateMessage, JsonPatch, PatchOperation } from '../../contracts/channel-config.ts';
import { applyUpdate, extendRun, proposeUpdate, rootState, runFromRootMessage, type ConfigState, type RunFromRoot } from '../../channel-config/chain.ts';
import { canonicalJson } from '../../channel-config/canonical-json.ts';
import { rootHash } from '../../channel-config/root.ts';
import { seededRandom as prng } from '../support/seeded-random.ts';


// Some of these yield invalid configurations on purpose: refused updates must not move anything.
function randomOperation(random: () => number): PatchOperation {
  const int = (max: number) => Math.floor(random() * (max + 1));
  const pick = <T>(items: readonly T[]): T => items[int(items.length - 1)]!;
  const word = `w${int(30)}`;
  return pick<() => PatchOperation>([
    () => ({ op: 'replace', path: '/chat/slowModeSeconds', value: int(4000) }),
    () => ({ op: 'replace', path: '/chat/maxLength', value: int(2100) }),
    () => ({ op: 'add', path: '/chat/bannedWords/-', value: word }),
    () => ({ op: 'add', path: '/chat/bannedWords/0', value: word }),
    () => ({ op: 'remove', path: '/chat/bannedWords/0' }),
    () => ({ op: 'copy', from: '/chat/bannedWords/0', path: '/chat/bannedWords/-' }),
    () => ({ op: 'replace', path: '/chat/rateLimit', value: { messages: 1 + int(20), perSeconds: 1 + int(60) } }),
    () => ({ op: 'replace', path: '/playback/maxResolution', value: pick([360, 720, 1080, 480]) }),
    () => ({ op: 'replace', path: '/playback/signedUrlsRequired', value: random() < 0.5 }),
    () => ({ op: 'add', path: '/playback/allowedPlayerOrigins/-', value: `https://p${int(9)}.example` }),
    () => ({ op: 'add', path: '/ladder/renditions', value: pick([['1080p'], ['720p', '360p'], ['360p', '360p'], []]) }),
    () => ({ op: 'remove', path: '/ladder/renditions' }),
    () => ({ op: 'test', path: '/playback/maxResolution', value: 1080 }),
    () => ({ op: 'move', from: '/chat/bannedWords/0', path: '/chat/bannedWords/-' }),
  ])();
}

const randomPatch = (random: () => number): JsonPatch => Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomOperation(random));

interface Outcome {
  following: ConfigState;
  run: RunFromRoot;
  messages: ConfigUpdateMessage[];
  refused: number;
}

/** The writer proposes random updates; a follower applies each message as a cache would. */
async function followRandomSequence(seed: number, root: ConfigState): Promise<Outcome> {
  const random = prng(seed);
  let latest = root;
  let following = root;
  let run: RunFromRoot = { patch: [], steps: [] };
  const messages: ConfigUpdateMessage[] = [];
  let refused = 0;
  const length = 1 + Math.floor(random() * 12);
  for (let i = 0; i < length; i++) {
    const update = { base: latest.hash, patch: randomPatch(random) };
    const outcome = await proposeUpdate(latest, update);
    if (!outcome.ok) {
      refused += 1;
      continue;
    }
    latest = outcome.state;
    run = extendRun(run, update);
    messages.push(outcome.message);
    const applied = await applyUpdate(following, outcome.message);
    if (!applied.ok) throw new Error(`seed ${seed}: follower refused update ${i}: ${JSON.stringify(applied)}`);
    following = applied.state;
  }
  expect(following, `seed ${seed}`).toEqual(latest);
  return { following, run, messages, refused };
}

describe('replaying the run from the root matches following every update (property)', () => {
  it('holds for 300 random update sequences, from the root and after a gap', async () => {
    const root = rootState(await rootHash('property-channel'));
    let applied = 0;
    let refused = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { following, run, messages, refused: refusedHere } = await followRandomSequence(seed, root);
      applied += messages.length;
      refused += refusedHere;
      const answer = runFromRootMessage(root.rootHash, following.hash, run);

      const loaded = await applyUpdate(root, answer);
      const fromRoot = loaded.ok ? loaded.state : root;
      expect(fromRoot.hash, `seed ${seed}`).toBe(following.hash);
      expect(canonicalJson(fromRoot.config), `seed ${seed}`).toBe(canonicalJson(following.config));
      expect(fromRoot.height).toBe(messages.length);

      // A cache that missed the middle: the next update is a gap, the answer from the root heals it.
      if (messages.length >= 3) {
        let lagging = root;
        const first = await applyUpdate(lagging, messages[0]!);
        if (first.ok) lagging = first.state;
        expect((await applyUpdate(lagging, messages.at(-1)!)).ok).toBe(false);
        const healed = await applyUpdate(lagging, answer);
        expect(healed.ok && healed.state.hash, `seed ${seed}`).toBe(following.hash);
      }
    }
    // Guard against a generator that only ever produces refused (or only accepted) updates.
    expect(applied).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(100);
  }, 60_000);
});

import { describe, expect, it } from 'vitest';
import { canTransition, isVideoState, nextStates, VIDEO_STATES, type VideoState } from '../../origin/src/videos/states.ts';

const allowed: [VideoState, VideoState][] = [
  ['CREATED', 'UPLOADING'],
  ['UPLOADING', 'PROCESSING'],
  ['PROCESSING', 'PLAYABLE'],
  ['PROCESSING', 'READY'],
  ['PLAYABLE', 'READY'],
  ['PROCESSING', 'FAILED'],
  ['READY', 'DELETED'],
  ['FAILED', 'DELETED'],
];
const refused: [VideoState, VideoState][] = [
  ['CREATED', 'READY'],
  ['CREATED', 'PROCESSING'],
  ['UPLOADING', 'READY'],
  ['READY', 'PROCESSING'],
  ['READY', 'FAILED'],
  ['FAILED', 'READY'],
  ['PLAYABLE', 'PROCESSING'],
  ['DELETED', 'CREATED'],
];

describe('video state machine', () => {
  it.each(allowed)('allows %s → %s', (from, to) => expect(canTransition(from, to)).toBe(true));
  it.each(refused)('refuses %s → %s', (from, to) => expect(canTransition(from, to)).toBe(false));

  it('never moves a state to itself', () => {
    for (const state of VIDEO_STATES) expect(canTransition(state, state)).toBe(false);
  });

  it('lets every state but DELETED be deleted, and DELETED go nowhere', () => {
    for (const state of VIDEO_STATES) expect(canTransition(state, 'DELETED')).toBe(state !== 'DELETED');
    expect(nextStates('DELETED')).toEqual([]);
  });

  it('reaches READY from CREATED only through UPLOADING and PROCESSING', () => {
    const reachable = (from: VideoState, avoid: VideoState): Set<VideoState> => {
      const seen = new Set<VideoState>([from]);
      const queue = [from];
      for (let state = queue.shift(); state; state = queue.shift()) {
        for (const next of nextStates(state)) {
          if (next === avoid || seen.has(next)) continue;
          seen.add(next);
          queue.push(next);
        }
      }
      return seen;
    };
    expect(reachable('CREATED', 'UPLOADING').has('READY')).toBe(false);
    expect(reachable('CREATED', 'PROCESSING').has('READY')).toBe(false);
    expect(reachable('CREATED', 'PLAYABLE').has('READY')).toBe(true);
  });

  it('recognises only the seven states', () => {
    expect(VIDEO_STATES.every(isVideoState)).toBe(true);
    expect(isVideoState('ready')).toBe(false);
    expect(isVideoState(undefined)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { judgeGrant, type GrantRecord } from '../../origin/src/uploads/grant-rules.ts';

const now = new Date('2026-01-01T12:00:00Z');
const grant = (patch: Partial<GrantRecord> = {}): GrantRecord => ({ videoId: 'vid_a', expiresAt: new Date('2026-01-01T13:00:00Z'), usedAt: null, videoState: 'CREATED', ...patch });

describe('judgeGrant: may this creation URL start an upload now?', () => {
  it('lets a live, unused grant of a video without upload through, naming the video', () => {
    expect(judgeGrant(grant(), now)).toEqual({ ok: true, value: { owner: 'vid_a' } });
  });

  it('answers 401 for an unknown, used or expired grant, saying how to get a new URL', () => {
    const unknown = judgeGrant(null, now);
    const used = judgeGrant(grant({ usedAt: new Date('2026-01-01T11:00:00Z') }), now);
    const expired = judgeGrant(grant({ expiresAt: now }), now);
    for (const answer of [unknown, used, expired]) expect(answer).toMatchObject({ ok: false, refusal: { status: 401 } });
    expect(used).toMatchObject({ refusal: { message: expect.stringMatching(/used already.*POST \/v1\/videos\/vid_a\/upload-url/) } });
    expect(expired).toMatchObject({ refusal: { message: expect.stringContaining('expired at 2026-01-01T12:00:00.000Z') } });
  });

  it('answers 409 when the video has an upload already, whatever state it reached', () => {
    for (const videoState of ['UPLOADING', 'PROCESSING', 'READY', 'FAILED', 'DELETED'] as const) {
      expect(judgeGrant(grant({ videoState }), now)).toMatchObject({ ok: false, refusal: { status: 409, message: expect.stringContaining(videoState) } });
    }
  });

  it('checks the credential before the conflict: a used grant is 401 even when the video moved on', () => {
    expect(judgeGrant(grant({ usedAt: now, videoState: 'PROCESSING' }), now)).toMatchObject({ refusal: { status: 401 } });
  });
});

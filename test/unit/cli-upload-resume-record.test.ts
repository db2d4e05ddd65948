import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findResumeRecord, planResume, resumeKey, resumeStore, withResumeRecord } from '../../cli/lib/resume-store.ts';

const file = { path: '/videos/clip.mp4', size: 20_000_000, mtimeMs: 1_700_000_000_123.4 };
const record = { videoId: 'vid_a', uploadUrl: 'http://o/v1/uploads/vid_a.x', startedAt: '2026-01-01T00:00:00.000Z' };

describe('resume records', () => {
  it('match only the same path, size and mtime', () => {
    const records = withResumeRecord({}, file, record);
    expect(findResumeRecord(records, file)).toEqual(record);
    expect(findResumeRecord(records, { ...file, size: file.size + 1 })).toBeNull();
    expect(findResumeRecord(records, { ...file, mtimeMs: file.mtimeMs + 1_000 })).toBeNull();
    expect(findResumeRecord(records, { ...file, path: '/videos/other.mp4' })).toBeNull();
    expect(resumeKey(file)).toBe('/videos/clip.mp4|20000000|1700000000123');
  });

  it('are replaced and removed without touching other files', () => {
    const other = { ...file, path: '/videos/other.mp4' };
    const both = withResumeRecord(withResumeRecord({}, file, record), other, { ...record, videoId: 'vid_b' });
    const updated = withResumeRecord(both, file, { ...record, videoId: 'vid_c' });
    expect(findResumeRecord(updated, file)?.videoId).toBe('vid_c');
    const removed = withResumeRecord(updated, file, null);
    expect(findResumeRecord(removed, file)).toBeNull();
    expect(findResumeRecord(removed, other)?.videoId).toBe('vid_b');
  });
});

describe('planResume', () => {
  it('resumes an upload the origin still waits for', () => {
    expect(planResume(record, 'UPLOADING')).toEqual({ kind: 'resume', videoId: 'vid_a', uploadUrl: record.uploadUrl });
  });
  it('asks for a new grant when the video was created but no upload began', () => {
    expect(planResume({ ...record, uploadUrl: undefined }, 'CREATED')).toEqual({ kind: 'new-grant', videoId: 'vid_a' });
  });
  it('reports a finished upload instead of sending it twice', () => {
    expect(planResume(record, 'PROCESSING')).toEqual({ kind: 'done', videoId: 'vid_a', state: 'PROCESSING' });
    expect(planResume(record, 'READY').kind).toBe('done');
  });
  it('starts over for no record, a vanished, failed or deleted video, or an unknown upload URL', () => {
    expect(planResume(null, null)).toEqual({ kind: 'fresh', why: null });
    expect(planResume(record, null)).toMatchObject({ kind: 'fresh', why: expect.stringContaining('no longer exists') });
    expect(planResume(record, 'FAILED')).toMatchObject({ kind: 'fresh', why: expect.stringContaining('FAILED') });
    expect(planResume(record, 'DELETED').kind).toBe('fresh');
    expect(planResume({ ...record, uploadUrl: undefined }, 'UPLOADING').kind).toBe('fresh');
  });
});

describe('resumeStore on disk', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves, finds and forgets; a damaged file reads as empty', () => {
    dir = mkdtempSync(join(tmpdir(), 'vora-cli-resume-'));
    const store = resumeStore(join(dir, 'cli', 'uploads.json'));
    expect(store.find(file)).toBeNull();
    store.save(file, record);
    expect(resumeStore(store.path).find(file)).toEqual(record);
    store.forget(file);
    expect(store.find(file)).toBeNull();
    writeFileSync(store.path, '{not json');
    expect(store.find(file)).toBeNull();
  });
});

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What identifies "the same file" across runs: a changed size or mtime means a different file. */
export interface FileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
}

/** An upload that was started: the video it is for and, once created, its TUS upload URL. */
export interface ResumeRecord {
  videoId: string;
  uploadUrl?: string;
  startedAt: string;
}

export type ResumeRecords = Record<string, ResumeRecord>;

/** Pure: the record key of a file (absolute path, size, mtime to the millisecond). */
export function resumeKey(file: FileIdentity): string {
  return `${file.path}|${file.size}|${Math.round(file.mtimeMs)}`;
}

/** Pure: the record of this very file, or null when it was never started (or has changed since). */
export function findResumeRecord(records: ResumeRecords, file: FileIdentity): ResumeRecord | null {
  return records[resumeKey(file)] ?? null;
}

/** Pure: records with `file`'s entry set (or removed when `record` is null). */
export function withResumeRecord(records: ResumeRecords, file: FileIdentity, record: ResumeRecord | null): ResumeRecords {
  const key = resumeKey(file);
  const { [key]: _dropped, ...rest } = records;
  return record ? { ...rest, [key]: record } : rest;
}

export const resumeStorePath = (cliDir: string) => join(cliDir, 'uploads.json');

/** `.vora/cli/uploads.json`; synchronous on purpose: a record must be on disk before the bytes it covers are sent. */
export function resumeStore(path: string) {
  const read = (): ResumeRecords => {
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ResumeRecords) : {};
    } catch {
      return {}; // missing or damaged: the worst case is a fresh upload instead of a resumed one
    }
  };
  const write = (records: ResumeRecords) => {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, path); // atomic: a kill mid-write leaves the previous file whole
  };
  return {
    path,
    find: (file: FileIdentity) => findResumeRecord(read(), file),
    save: (file: FileIdentity, record: ResumeRecord) => write(withResumeRecord(read(), file, record)),
    forget: (file: FileIdentity) => write(withResumeRecord(read(), file, null)),
  };
}
export type ResumeStore = ReturnType<typeof resumeStore>;

/** What to do with a file given its record and the video's state at the origin (null: no such video). */
export type ResumePlan =
  | { kind: 'fresh'; why: string | null }
  | { kind: 'new-grant'; videoId: string }
  | { kind: 'resume'; videoId: string; uploadUrl: string }
  | { kind: 'done'; videoId: string; state: string };

const uploadedStates = new Set(['PROCESSING', 'PLAYABLE', 'READY']);

/** Pure: continue the recorded upload when the origin still waits for it, otherwise start a new video. */
export function planResume(record: ResumeRecord | null, videoState: string | null): ResumePlan {
  if (!record) return { kind: 'fresh', why: null };
  if (videoState === null) return { kind: 'fresh', why: `video ${record.videoId} no longer exists` };
  if (videoState === 'CREATED') return { kind: 'new-grant', videoId: record.videoId };
  if (videoState === 'UPLOADING' && record.uploadUrl) return { kind: 'resume', videoId: record.videoId, uploadUrl: record.uploadUrl };
  if (uploadedStates.has(videoState)) return { kind: 'done', videoId: record.videoId, state: videoState };
  return { kind: 'fresh', why: `video ${record.videoId} is ${videoState}` };
}

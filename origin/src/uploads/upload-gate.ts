/**
 * What the TUS server asks the rest of the origin. The server knows files; the gate knows who may
 * send one and what a finished file is for (origin/src/uploads/video-upload-gate.ts binds it to videos).
 */

import type { UploadRefusal } from './refusals.ts';

export type GateAnswer<T> = { ok: true; value: T } | { ok: false; refusal: UploadRefusal };

export interface StoredUpload {
  /** `{owner}.{random}`: the TUS id and the object key in the raw bucket. */
  uploadId: string;
  owner: string;
  bucket: string;
  key: string;
  /** Bytes; undefined while the length is deferred. */
  size: number | undefined;
}

export interface UploadGate {
  /** Checks the grant of a creation URL without using it up; answers whom the upload is for. */
  check(grant: string): Promise<GateAnswer<{ owner: string }>>;
  /** Uses the grant up as the upload is created: of two concurrent claims exactly one wins. */
  claim(grant: string, upload: StoredUpload): Promise<GateAnswer<void>>;
  /** The whole file is in the bucket. Idempotent: a retried request may report the same upload again. */
  finished(upload: StoredUpload & { size: number }): Promise<void>;
  /** The client terminated an unfinished upload (TUS DELETE); its bytes are gone. */
  terminated(upload: Pick<StoredUpload, 'uploadId' | 'owner'>): Promise<void>;
}

/** A gate's refusal, named in UPLOAD_REFUSALS (refusals.ts). */
export const refuse = (refusal: UploadRefusal): { ok: false; refusal: UploadRefusal } => ({ ok: false, refusal });

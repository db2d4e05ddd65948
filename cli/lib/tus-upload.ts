import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import * as tus from 'tus-js-client';
import { CliError, isUnreachable, unreachableMessage } from './errors.ts';

export interface FileUploadOptions {
  path: string;
  /** A creation URL (new upload) or an upload URL (resume from the server's offset): exactly one. */
  target: { endpoint: string } | { uploadUrl: string };
  /** Bytes per PATCH; Infinity streams the whole file in one request (TUS resumes it from the offset anyway). */
  chunkSize: number;
  onUploadUrl?: (url: string) => void;
  onProgress?: (sent: number, total: number) => void;
  retryDelays?: number[];
}

/** Status of a TUS failure, when the server answered. */
export function tusErrorStatus(error: unknown): number | null {
  const response = (error as { originalResponse?: { getStatus(): number } | null }).originalResponse;
  return response ? response.getStatus() : null;
}

/** The server's sentence from a TUS error response (our JSON error shape), else tus's own text. */
export function tusErrorMessage(error: unknown): string {
  const response = (error as { originalResponse?: { getBody(): string } | null }).originalResponse;
  const body = response?.getBody() ?? '';
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message;
  } catch {
    // not JSON
  }
  return body.trim().split('\n')[0] || (error as Error).message.split('\n')[0]!;
}

/** Streams the file with tus-js-client (never read whole); resolves with the upload URL. */
export function uploadFileWithTus(options: FileUploadOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const given = 'endpoint' in options.target ? { endpoint: options.target.endpoint } : { uploadUrl: options.target.uploadUrl };
    const upload = new tus.Upload(createReadStream(options.path), {
      ...given,
      chunkSize: options.chunkSize,
      retryDelays: options.retryDelays ?? [0, 1_000, 3_000, 5_000],
      storeFingerprintForResuming: false, // our own record (.vora/cli/uploads.json) knows the video too
      metadata: { filename: basename(options.path), filetype: 'application/octet-stream' },
      onUploadUrlAvailable: () => options.onUploadUrl?.(upload.url!),
      onProgress: (sent, total) => options.onProgress?.(sent, total),
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    });
    upload.start();
  });
}

/** Turns a TUS failure into one operator line. */
export function tusFailure(error: unknown, originUrl: string): CliError {
  const status = tusErrorStatus(error);
  if (status === null) {
    const causing = (error as { causingError?: unknown }).causingError ?? error;
    if (isUnreachable(causing)) return new CliError(`${unreachableMessage('the origin', originUrl)} — run \`vora upload\` again to resume`, 1, { cause: error });
    return new CliError(`the upload failed: ${(error as Error).message.split('\n')[0]} — run \`vora upload\` again to resume`, 1, { cause: error });
  }
  return new CliError(`the upload was refused (${status}: ${tusErrorMessage(error)})`, 1, { cause: error });
}

/** What the server holds of an upload (TUS HEAD): its offset, or the status that says it is gone. */
export async function uploadOffset(uploadUrl: string): Promise<{ ok: true; offset: number; length: number | null } | { ok: false; status: number }> {
  const response = await fetch(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' }, signal: AbortSignal.timeout(15_000) });
  const offset = Number(response.headers.get('upload-offset'));
  if (!response.ok || !Number.isFinite(offset)) return { ok: false, status: response.status };
  const length = response.headers.get('upload-length');
  return { ok: true, offset, length: length === null ? null : Number(length) };
}

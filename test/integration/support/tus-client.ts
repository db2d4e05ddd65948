/** TUS as the origin API tests drive it: whole uploads with tus-js-client, and a PATCH cut mid-body. */
import { request } from 'node:http';
import * as tus from 'tus-js-client';

/** Uploads `data` with tus-js-client (Node); resolves with the upload URL, rejects with tus's error. */
export function tusUpload(data: Buffer, options: { endpoint?: string; uploadUrl?: string; chunkSize?: number; onProgress?: (sent: number) => void }): Promise<string> {
  return new Promise((resolve, reject) => {
    // tus-js-client treats an explicit `undefined` as a value (chunkSize: undefined sends empty PATCHes forever).
    const given = Object.fromEntries(Object.entries({ endpoint: options.endpoint, uploadUrl: options.uploadUrl, chunkSize: options.chunkSize }).filter(([, value]) => value !== undefined));
    const upload = new tus.Upload(data, {
      ...given,
      retryDelays: [],
      metadata: { filename: 'clip.bin', filetype: 'application/octet-stream' },
      onProgress: (sent) => options.onProgress?.(sent),
      onError: reject,
      onSuccess: () => resolve(upload.url!),
    });
    upload.start();
  });
}

/** A PATCH that sends the first `cutAfter` bytes and then drops the connection, as a dying network does. */
export function patchAndCut(uploadUrl: string, data: Buffer, cutAfter: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(uploadUrl, {
      method: 'PATCH',
      headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(data.length) },
    });
    req.on('error', () => resolve());
    req.on('response', () => resolve());
    req.write(data.subarray(0, cutAfter), () => setTimeout(() => req.destroy(), 300));
  });
}

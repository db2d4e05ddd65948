/** HTTP exactly as written: the path goes out unnormalised (fetch would resolve `..`), headers and bodies of any size. */
import { request } from 'node:http';

export interface RawAnswer {
  /** HTTP status, or 0 when the server closed the connection without one. */
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
  ms: number;
}

type RawOptions = { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number };

/** One request as written. */
export function rawRequest(url: string, options: RawOptions = {}): Promise<RawAnswer> {
  const base = new URL(url);
  const started = performance.now();
  return new Promise((resolve) => {
    const finish = (answer: Omit<RawAnswer, 'ms'>) => resolve({ ...answer, ms: performance.now() - started });
    const req = request(
      // agent false: one connection per request, so a server that closes after refusing one body cannot fail the next.
      { agent: false, host: base.hostname, port: base.port, method: options.method ?? 'GET', path: options.path ?? `${base.pathname}${base.search}`, headers: options.headers, timeout: options.timeoutMs ?? 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', () => finish({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      },
    );
    // A 101 means the server took the socket: report it, never wait on it.
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      finish({ status: res.statusCode ?? 101, text: '', headers: res.headers });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => finish({ status: 0, text: error.message, headers: {} }));
    req.end(options.body);
  });
}

/** Paths and names no id, key or file name may be: traversal, encodings of it, control and odd characters, length. */
export const hostileNames = [
  '..',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '%2E%2E',
  '%C0%AE%C0%AE%C0%AF',
  'vid_%00',
  'a%0d%0aSet-Cookie:%20x=1',
  'a%20b',
  '%F0%9F%98%80',
  "vid_x'%3Bdrop%20table%20videos%3B--",
  '%25',
  '%ZZ',
  'x'.repeat(300),
  '%252e%252e%252f',
] as const;

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../support/wait.ts';

export interface StandinPost {
  room: string;
  status: number;
  authorization: string | undefined;
  body: { id: string; type: string; at: string; data: Record<string, unknown> };
}

/**
 * A stand-in for the edge's `POST /internal/rooms/{room}/events`: records every POST, checks the
 * bearer secret (401), dedupes by event id per room like the ChatRoom does, and can be told to
 * answer 503 to the next N posts.
 */
export interface EdgeStandin {
  url: string;
  posts: StandinPost[];
  /** Accepted, first-time deliveries (what the room would broadcast). */
  broadcasts(room?: string): StandinPost[];
  failNext(count: number, status?: number): void;
  /** Resolves when `predicate` holds over the posts, or rejects after `timeoutMs`. */
  waitFor(predicate: (posts: StandinPost[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startEdgeStandin(secret: string): Promise<EdgeStandin> {
  const posts: StandinPost[] = [];
  const seen = new Set<string>();
  let failures = { left: 0, status: 503 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const match = /^\/internal\/rooms\/([^/]+)\/events$/.exec(request.url ?? '');
      if (request.method !== 'POST' || !match) return void response.writeHead(404).end();
      const room = decodeURIComponent(match[1]!);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StandinPost['body'];
      const authorization = request.headers.authorization;
      let status = 200;
      let answer: unknown = {};
      if (authorization !== `Bearer ${secret}`) status = 401;
      else if (failures.left > 0) {
        failures.left -= 1;
        status = failures.status;
      } else {
        const duplicate = seen.has(`${room}\u0000${body.id}`);
        seen.add(`${room}\u0000${body.id}`);
        answer = { delivered: duplicate ? 0 : 1, duplicate };
      }
      posts.push({ room, status, authorization, body });
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status === 200 ? answer : { error: { code: 'standin', message: `answered ${status}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const firstTime = new Set<string>();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    broadcasts(room) {
      firstTime.clear();
      return posts.filter((post) => {
        const key = `${post.room}\u0000${post.body.id}`;
        if (post.status !== 200 || firstTime.has(key) || (room !== undefined && post.room !== room)) return false;
        firstTime.add(key);
        return true;
      });
    },
    failNext(count, status = 503) {
      failures = { left: count, status };
    },
    async waitFor(predicate, timeoutMs = 30_000, what = 'the expected posts') {
      await waitFor(() => predicate(posts), { what: `the edge stand-in to see ${what}`, timeoutMs, everyMs: 50, detail: () => `posts: ${JSON.stringify(posts.map((p) => [p.room, p.body.id, p.status]))}` });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNginxSegmentTokenSnippet, signSegmentToken } from '../../edge/src/playback/segment-token.ts';

// The real Debian nginx (http_secure_link_module) with the exported snippets, serving local files.
const NGINX = '/usr/sbin/nginx';
const PORT = 19000 + (process.pid % 900);
const SECRET = 'test-secret-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'vora-segment-token-'));
const base = `http://127.0.0.1:${PORT}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);
let nginx: ChildProcess | undefined;

function config(): string {
  const snippet = renderNginxSegmentTokenSnippet(SECRET);
  const running = typeof process.getuid === 'function' && process.getuid() === 0;
  return `${running ? 'user root;' : ''}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp;
  proxy_temp_path ${dir}/tmp;
  fastcgi_temp_path ${dir}/tmp;
  uwsgi_temp_path ${dir}/tmp;
  scgi_temp_path ${dir}/tmp;
  ${snippet.http}
  server {
    listen 127.0.0.1:${PORT};
    location /media/ {
      ${snippet.location}
      root ${dir}/www;
    }
  }
}
`;
}

async function waitForNginx(): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (nginx?.exitCode !== null) throw new Error(`nginx exited early:\n${readFileSync(join(dir, 'error.log'), 'utf8')}`);
    try {
      await fetch(`${base}/`);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error('nginx did not listen within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

beforeAll(async () => {
  for (const file of ['vid1/720p/seg_00001.m4s', 'vid1/init.mp4', 'vid2/720p/seg_00001.m4s']) {
    const path = join(dir, 'www/media', file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, `bytes of ${file}`);
  }
  mkdirSync(join(dir, 'tmp'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'nginx.conf'), config());
  nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  await waitForNginx();
});

afterAll(() => {
  if (nginx?.pid && nginx.exitCode === null) process.kill(nginx.pid, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const status = async (path: string) => (await fetch(`${base}${path}`)).status;

describe('segment tokens verified by nginx secure_link', () => {
  const valid = signSegmentToken({ videoId: 'vid1', expires: nowSeconds() + 600, secret: SECRET });

  it('serves every file of the signed video with one token', async () => {
    const response = await fetch(`${base}/media/vid1/720p/seg_00001.m4s?${valid.query}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('bytes of vid1/720p/seg_00001.m4s');
    expect(await status(`/media/vid1/init.mp4?${valid.query}`)).toBe(200);
  });

  it('answers 410 to an expired token', async () => {
    const expired = signSegmentToken({ videoId: 'vid1', expires: nowSeconds() - 5, secret: SECRET });
    expect(await status(`/media/vid1/720p/seg_00001.m4s?${expired.query}`)).toBe(410);
  });

  it('answers 403 to another video, a tampered expiry or signature, a wrong secret, or no token', async () => {
    expect(await status(`/media/vid2/720p/seg_00001.m4s?${valid.query}`)).toBe(403);
    expect(await status(`/media/vid1/720p/seg_00001.m4s?${valid.query.replace(/e=\d+/, `e=${valid.expires + 3600}`)}`)).toBe(403);
    expect(await status(`/media/vid1/720p/seg_00001.m4s?${valid.query.replace(/st=./, (m) => (m.endsWith('A') ? 'st=B' : 'st=A'))}`)).toBe(403);
    const otherSecret = signSegmentToken({ videoId: 'vid1', expires: valid.expires, secret: 'another-secret-0123456789' });
    expect(await status(`/media/vid1/720p/seg_00001.m4s?${otherSecret.query}`)).toBe(403);
    expect(await status('/media/vid1/720p/seg_00001.m4s')).toBe(403);
  });
});

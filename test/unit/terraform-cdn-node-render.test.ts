import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderEnvNames, renderJobFromEnv } from '../../edge/cdn-node/cloud-init/render-cli.ts';
import { nodeTokenFromInputs } from '../../edge/cdn-node/cloud-init/node-token-cli.ts';
import { nodeHeartbeatToken } from '../../edge/src/nodes/node-token.ts';

const root = new URL('../../', import.meta.url).pathname;
const cloudInit = readFileSync(join(root, 'terraform/modules/cdn-nodes/templates/cloud-init.yaml.tftpl'), 'utf8');
const template = readFileSync(join(root, 'edge/cdn-node/nginx.conf.template'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'vora-tf-render-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The `NAME="value"` lines the farm's boot script passes to render-cli (between the render-env markers). */
function cloudInitRenderEnv(): Map<string, string> {
  const block = cloudInit.split('# render-env:begin')[1]?.split('# render-env:end')[0];
  if (!block) throw new Error('cloud-init.yaml.tftpl lost its render-env markers');
  return new Map([...block.matchAll(/^\s+([A-Z_]+)="([^"]*)" \\$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** Host-side values for the shell variables the boot script fills in at boot. */
function hostValues(env: Map<string, string>): Record<string, string> {
  const shell: Record<string, string> = {
    instance_id: 'i-0123456789abcdef0',
    ORIGIN_HOSTPORT: '127.0.0.1:19080',
    node_key: 'node-key-0123456789abcdef',
    pull_secret: 'pull-secret-0123456789abcdef',
    CACHE_MAX_SIZE: '80g',
    // The plain-HTTP variant (no TLS parameter): nginx -t below needs no certificate files. HTTPS is checked with
    // real certificates in test/integration/https-from-viewer-through-node-and-shield.test.ts.
    tls_listen: '',
    tls_pem: '',
    UPSTREAM_TLS_NAME: '',
  };
  const out: Record<string, string> = {};
  for (const [name, value] of env) {
    const filled = value.replace(/\$([A-Za-z_]+)/g, (_, v: string) => shell[v] ?? `<unset ${v}>`);
    // Paths on the farm host become paths under this test's folder.
    out[name] = filled.replace(/^\/(var|etc)\//, `${work}/$1/`);
  }
  return out;
}

// Its tests start tsx and nginx: seconds each on a busy box, over vitest's 5 s default.
describe('the CDN node cloud-init renders nginx.conf with the shared renderer', { timeout: 60_000 }, () => {
  const env = cloudInitRenderEnv();

  it('passes every variable render-cli requires, and none it does not know', () => {
    for (const name of renderEnvNames.required) expect(env.has(name), `${name} missing from the render-env block`).toBe(true);
    const known = new Set<string>([...renderEnvNames.required, ...renderEnvNames.optional]);
    for (const name of env.keys()) expect(known.has(name), `${name} is not read by render-cli`).toBe(true);
  });

  it('runs render-cli from the release and the boot script checks the result with nginx -t', () => {
    expect(cloudInit).toMatch(/node --import tsx edge\/cdn-node\/cloud-init\/render-cli\.ts/);
    expect(cloudInit).toMatch(/nginx -t -q -c \/etc\/vora\/nginx\.conf/);
  });

  it('embeds the very template npm start uses', () => {
    const main = readFileSync(join(root, 'terraform/modules/cdn-nodes/main.tf'), 'utf8');
    const embedded = main.match(/nginx_template_path\s*=\s*"\$\{path\.module\}\/([^"]+)"/)?.[1];
    expect(embedded).toBeDefined();
    const resolved = join(root, 'terraform/modules/cdn-nodes', embedded!);
    expect(readFileSync(resolved, 'utf8')).toBe(template);
  });

  it('fills every {{NAME}} placeholder of the real template and the result passes nginx -t', () => {
    const placeholders = new Set([...template.matchAll(/\{\{([A-Z_]+)\}\}/g)].map((m) => m[1]));
    expect(placeholders.size).toBeGreaterThan(5);
    const values = hostValues(env);
    for (const dir of ['var/cache/vora-cdn/cache', 'var/cache/vora-cdn/tmp', 'var/log/vora', 'etc/vora']) spawnSync('mkdir', ['-p', join(work, dir)]);
    values.NGINX_TEMPLATE = join(root, 'edge/cdn-node/nginx.conf.template'); // the copy cloud-init writes to /etc/vora
    const started = performance.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'edge/cdn-node/cloud-init/render-cli.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, ...values },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(performance.now() - started).toBeLessThan(30_000);
    const conf = readFileSync(values.NGINX_CONF_OUT!, 'utf8');
    expect(conf).not.toMatch(/\{\{[A-Z_]+\}\}/);
    expect(conf).toContain('listen 0.0.0.0:80;');
    expect(conf).toContain('server 127.0.0.1:19080;');
    expect(conf).toContain('"node":"i-0123456789abcdef0"');
    expect(conf).toMatch(/^user www-data;$/m);
    expect(statSync(values.NGINX_CONF_OUT!).mode & 0o777).toBe(0o600);

    const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));
    if (!nginx) throw new Error('nginx is not installed: `npm run provision` installs it (the test checks the rendered config with nginx -t)');
    const check = spawnSync(nginx, ['-t', '-q', '-c', values.NGINX_CONF_OUT!], { encoding: 'utf8', timeout: 10_000 });
    // As non-root nginx warns that `user` needs a root master; anything else is a broken config.
    expect(check.stderr.split('\n').filter((line) => line && !/"user" directive makes sense only/.test(line))).toEqual([]);
    expect(check.status).toBe(0);
  });
});

describe('renderJobFromEnv', () => {
  const complete = { NODE_ID: 'i-0abc', NGINX_LISTEN: '0.0.0.0:80', ORIGIN_HOSTPORT: 'gw:8080', NODE_DIR: '/x', NGINX_ACCESS_LOG: '/x/a.log', NODE_KEY: 'k'.repeat(20), PULL_SECRET: 'p'.repeat(20), NGINX_CONF_OUT: '/x/n.conf' };

  it('names every missing variable', () => {
    expect(() => renderJobFromEnv({ ...complete, NODE_KEY: undefined, NODE_DIR: '' })).toThrow(/missing NODE_DIR, NODE_KEY/);
  });

  it('refuses a worker count nginx would not take', () => {
    expect(() => renderJobFromEnv({ ...complete, NGINX_WORKER_PROCESSES: '2; include /etc/passwd' })).toThrow(/NGINX_WORKER_PROCESSES/);
    expect(renderJobFromEnv({ ...complete, NGINX_WORKER_PROCESSES: 'auto' }).values.workerProcesses).toBe('auto');
  });
});

describe('node-token-cli', () => {
  it('derives the same token the edge verifies', async () => {
    const secret = 'internal-secret-0123456789abcdef';
    expect(await nodeTokenFromInputs('i-0abc', `${secret}\n`)).toBe(await nodeHeartbeatToken(secret, 'i-0abc'));
  });

  it('refuses an empty secret and a node id the agent would refuse', async () => {
    await expect(nodeTokenFromInputs('i-0abc', '\n')).rejects.toThrow(/shorter than 16/);
    await expect(nodeTokenFromInputs('I-0ABC', 'internal-secret-0123456789abcdef')).rejects.toThrow(/NODE_ID/);
  });
});

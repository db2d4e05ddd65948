import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hitchFromEnv, nginxFromEnv, renderEnvNames } from '../../ingest/render-cli.ts';
import { rtmpModulePath } from '../../stack/tools/nginx.ts';
import { RelayConfig } from '../../ingest/srt-relay.ts';
import { testPorts } from '../support/ports.ts';

const root = new URL('../../', import.meta.url).pathname;
const moduleDir = join(root, 'terraform/modules/ingest');
const cloudInit = readFileSync(join(moduleDir, 'templates/cloud-init.yaml.tftpl'), 'utf8');
const main = readFileSync(join(moduleDir, 'main.tf'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'vora-tf-ingest-'));
// nginx -t binds the listen addresses: the check runs on this file's own loopback ports, not a host's.
const ports = await testPorts(import.meta.url);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The `NAME="value" \` lines the boot script passes to render-cli (between the render-env markers). */
function cloudInitRenderEnv(): Map<string, string> {
  const block = cloudInit.split('# render-env:begin')[1]?.split('# render-env:end')[0];
  if (!block) throw new Error('the ingest cloud-init lost its render-env markers');
  return new Map([...block.matchAll(/^\s+([A-Z_]+)="([^"]*)" \\$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** A number of main.tf's locals (`rtmp_port = 1935`), as templatefile() receives it. */
function localNumber(name: string): string {
  const value = main.match(new RegExp(`^\\s+${name}\\s+=\\s+(\\d+)$`, 'm'))?.[1];
  if (!value) throw new Error(`modules/ingest/main.tf has no local ${name}`);
  return value;
}

/**
 * What terraform and the boot script fill in on a host; host paths become paths under this test's folder. `local`
 * swaps the host's ports and private address for loopback ones nginx -t and hitch --test can bind here.
 */
function hostValues(env: Map<string, string>, local = false): Record<string, string> {
  const terraform: Record<string, string> = local
    ? { rtmp_port: String(ports.ingestRtmp), rtmps_port: String(ports.shield), stat_port: String(ports.ingestStat), hook_relay_port: String(ports.edge) }
    : Object.fromEntries(['rtmp_port', 'rtmps_port', 'stat_port', 'hook_relay_port'].map((name) => [name, localNumber(name)]));
  const shell: Record<string, string> = {
    ORIGIN_URL: 'http://internal-vorag-123.eu-west-1.elb.amazonaws.com:8080',
    ingest_secret: 'internal-secret_0123456789-abcdef',
    private_ip: local ? '127.0.0.1' : '10.0.12.34',
    PLAY_ALLOWED: '10.0.0.0/16',
    STAT_ALLOWED: '10.0.0.0/16',
    IDLE_PUBLISHER_SECONDS: '10',
  };
  const out: Record<string, string> = {};
  for (const [name, value] of env) {
    const filled = value
      .replace(/\$\{([a-z_]+)\}/g, (_, v: string) => terraform[v] ?? `<unset ${v}>`)
      .replace(/\$([A-Za-z_]+)/g, (_, v: string) => shell[v] ?? `<unset ${v}>`);
    out[name] = filled.replace(/^\/(var|etc|run)\//, `${work}/$1/`);
  }
  return out;
}

// Its tests start tsx, openssl, nginx and hitch: seconds each on a busy box, over vitest's 5 s default.
describe('the ingest cloud-init renders nginx.conf and hitch.conf with the shared renderer', { timeout: 60_000 }, () => {
  const env = cloudInitRenderEnv();

  it('passes every variable render-cli requires, and none it does not know', () => {
    for (const name of renderEnvNames.required) expect(env.has(name), `${name} missing from the render-env block`).toBe(true);
    const known = new Set<string>([...renderEnvNames.required, ...renderEnvNames.optional]);
    for (const name of env.keys()) expect(known.has(name), `${name} is not read by render-cli`).toBe(true);
    // Where Debian's libnginx-mod-rtmp puts the module (the package the cloud-init installs).
    expect(env.get('MODULE_PATH')).toBe(rtmpModulePath);
    expect(cloudInit).toMatch(/^packages: \[nginx, libnginx-mod-rtmp, hitch,/m);
  });

  it('runs render-cli from the release and checks both results before the services start', () => {
    expect(cloudInit).toMatch(/node --import tsx ingest\/render-cli\.ts/);
    expect(cloudInit).toMatch(/nginx -t -q -e stderr -c \/etc\/vora\/ingest-nginx\.conf/);
    expect(cloudInit).toMatch(/hitch --test --config \/etc\/vora\/ingest-hitch\.conf/);
  });

  it('renders a config nginx (with the RTMP module) and hitch accept, pulling by the private address', () => {
    const values = hostValues(env);
    for (const value of Object.values(values)) expect(value).not.toMatch(/<unset/);
    const render = (env: Record<string, string>) => spawnSync(process.execPath, ['--import', 'tsx', 'ingest/render-cli.ts'], { cwd: root, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000 });
    for (const dir of ['etc/vora', 'run/vora', 'var/lib/vora-ingest']) mkdirSync(join(work, dir), { recursive: true });
    const pem = values.HITCH_PEM!;
    const made = spawnSync('/bin/sh', ['-c', `openssl req -x509 -newkey rsa:2048 -nodes -keyout "${pem}.key" -out "${pem}.crt" -days 1 -subj /CN=ingest.example.com && cat "${pem}.key" "${pem}.crt" > "${pem}"`], { encoding: 'utf8', timeout: 30_000 });
    expect(made.status, made.stderr).toBe(0);

    const run = render(values);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const conf = readFileSync(values.NGINX_CONF_OUT!, 'utf8');
    expect(conf).toContain('listen 0.0.0.0:1935;');
    // The hooks go through nginx's own relay, which resolves the load balancer's name as its addresses change.
    expect(conf).toContain('on_publish http://127.0.0.1:1937/internal/live/on-publish?s=internal-secret_0123456789-abcdef&pull=rtmp://10.0.12.34:1935/live;');
    expect(conf).toContain('set $vora_origin http://internal-vorag-123.eu-west-1.elb.amazonaws.com:8080;');
    expect(conf).toMatch(/allow play 10\.0\.0\.0\/16;\n\s+deny play all;/);
    expect(conf).toContain('listen 10.0.12.34:1936;');
    expect(conf).toMatch(/^user www-data;$/m);
    expect(statSync(values.NGINX_CONF_OUT!).mode & 0o777).toBe(0o600);
    const hitch = readFileSync(values.HITCH_CONF_OUT!, 'utf8');
    expect(hitch).toContain('frontend = "[*]:443"');
    expect(hitch).toContain('backend = "[127.0.0.1]:1935"');
    expect(hitch).toContain('write-proxy-v2 = off');

    const local = hostValues(env, true);
    expect(render(local).status).toBe(0);
    const nginx = spawnSync('/usr/sbin/nginx', ['-t', '-q', '-e', 'stderr', '-c', local.NGINX_CONF_OUT!], { encoding: 'utf8', timeout: 10_000 });
    // As non-root nginx warns that `user` needs a root master; anything else is a broken config.
    expect(nginx.stderr.split('\n').filter((line) => line && !/"user" directive makes sense only/.test(line))).toEqual([]);
    expect(nginx.status).toBe(0);
    const hitchTest = spawnSync('/usr/sbin/hitch', ['--test', '--config', local.HITCH_CONF_OUT!], { encoding: 'utf8', timeout: 10_000 });
    expect(hitchTest.status, `${hitchTest.stdout}${hitchTest.stderr}`).toBe(0);
  });
});

describe('ingest render-cli', () => {
  const complete = {
    LISTEN: '0.0.0.0:1935', ORIGIN_URL: 'http://gw:8080', INGEST_SECRET: 's'.repeat(20), PULL_BASE: 'rtmp://10.0.0.5:1935/live', PLAY_ALLOWED: '10.0.0.0/16',
    STAT_LISTEN: '10.0.0.5:1936', INGEST_DIR: '/x', MODULE_PATH: '/m.so', NGINX_CONF_OUT: '/x/n.conf',
  };

  it('names every missing variable', () => {
    expect(() => nginxFromEnv({ ...complete, ORIGIN_URL: undefined, PULL_BASE: '' })).toThrow(/missing ORIGIN_URL, PULL_BASE/);
    expect(() => nginxFromEnv({ ...complete, HOOK_RELAY_LISTEN: '127.0.0.1:1937' })).toThrow(/HOOK_RESOLVER/);
  });

  it('refuses a user or a number nginx would not take', () => {
    expect(() => nginxFromEnv({ ...complete, NGINX_USER: 'root; include /etc/passwd' })).toThrow(/NGINX_USER/);
    expect(() => nginxFromEnv({ ...complete, IDLE_PUBLISHER_SECONDS: '10s' })).toThrow(/IDLE_PUBLISHER_SECONDS/);
    expect(nginxFromEnv({ ...complete, IDLE_PUBLISHER_SECONDS: '20' })).toContain('drop_idle_publisher 20s;');
  });

  it('puts the RTMPS front in front of the RTMP port, and needs the key + chain', () => {
    expect(() => hitchFromEnv(complete)).toThrow(/HITCH_PEM/);
    expect(hitchFromEnv({ ...complete, LISTEN: '0.0.0.0:19350', HITCH_PEM: '/run/vora/ingest.pem' })).toContain('backend = "[127.0.0.1]:19350"');
  });
});

describe('the ingest cloud-init runs the SRT relay when srt_ports are set', () => {
  /** The `"NAME=value" \` lines written to /run/vora/srt-relay.env (between the srt-env markers). */
  const srtEnv = (): Map<string, string> => {
    const block = cloudInit.split('# srt-env:begin')[1]?.split('# srt-env:end')[0];
    if (!block) throw new Error('the ingest cloud-init lost its srt-env markers');
    return new Map([...block.matchAll(/^\s+"([A-Z_]+)=([^"]*)" \\$/gm)].map((m) => [m[1]!, m[2]!]));
  };

  it('gives the relay a configuration its own schema takes, relaying into nginx-rtmp on loopback', () => {
    const env = Object.fromEntries(
      [...srtEnv()].map(([name, value]) => [
        name,
        value
          .replace('$ORIGIN_URL', 'http://internal-vorag-123.eu-west-1.elb.amazonaws.com:8080')
          .replace('$ingest_secret', 'internal-secret_0123456789-abcdef')
          .replace('${rtmp_port}', localNumber('rtmp_port')),
      ]),
    );
    for (const value of Object.values(env)) expect(value).not.toMatch(/\$/);
    const config = RelayConfig.parse(env);
    expect(config).toMatchObject({ VORA_INGEST_RTMP_BASE: 'rtmp://127.0.0.1:1935/live', VORA_SRT_LISTEN_HOST: '0.0.0.0' });
    for (const name of Object.keys(env)) expect(Object.keys(RelayConfig.shape), `${name} is not read by the relay`).toContain(name);
  });

  it('installs FFmpeg and starts the relay only when the module has SRT ports', () => {
    expect(cloudInit).toMatch(/ca-certificates%\{ if srt_enabled \}, ffmpeg%\{ endif \}\]/);
    expect(cloudInit).toMatch(/%\{ if srt_enabled ~\}\n\s+- \[systemctl, enable, --now, vora-ingest-srt\.service\]\n%\{ endif ~\}/);
    expect(cloudInit).toMatch(/ExecStart=\/usr\/local\/bin\/node --import tsx ingest\/srt-relay\.ts/);
    expect(statSync(join(root, 'ingest/srt-relay.ts')).isFile()).toBe(true);
    expect(main).toMatch(/srt_enabled\s+=\s+length\(var\.srt_ports\) > 0/);
  });
});

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderNginxConfig } from '../../edge/cdn-node/render-config.ts';
import { cpuFraction, egressMbps, parseTransmittedBytes } from '../../edge/cdn-node/host-load.ts';
import { busyConnections, parseStubStatus } from '../../edge/cdn-node/stub-status.ts';

const values = { nodeId: 'local-1', listen: '127.0.0.1:8081', originHostPort: '127.0.0.1:8080', nodeDir: '/tmp/node', accessLog: '/tmp/node/access.log', nodeKey: 'node-key-0123456789abcdef', pullSecret: 'test-pull-secret-0123456789', userDirective: '' };

describe('renderNginxConfig', () => {
  it('fills every placeholder of the shipped template', async () => {
    const template = await readFile(new URL('../../edge/cdn-node/nginx.conf.template', import.meta.url), 'utf8');
    const config = renderNginxConfig(template, values);
    expect(config).not.toMatch(/\{\{/);
    expect(config).toContain('listen 127.0.0.1:8081;');
    expect(config).toContain('server 127.0.0.1:8080;');
    expect(config).toContain('proxy_cache_path /tmp/node/cache');
    expect(config).toContain('secure_link_md5 "$secure_link_expires$vora_token_prefix node-key-0123456789abcdef";');
  });

  it('signs its pulls upstream with njs and the pull secret', async () => {
    const template = await readFile(new URL('../../edge/cdn-node/nginx.conf.template', import.meta.url), 'utf8');
    const config = renderNginxConfig(template, values);
    expect(config).toMatch(/^load_module \/usr\/lib\/nginx\/modules\/ngx_http_js_module\.so;$/m);
    expect(config).toMatch(/js_path \/.*\/edge\/cdn-node;/);
    expect(config).toContain(`set $vora_pull_secret "${values.pullSecret}";`);
    expect(config).toContain('proxy_set_header X-Vora-Pull-Signature $vora_pull_signature;');
    expect(() => renderNginxConfig(template, { ...values, pullSecret: 'x"; return 200; #' })).toThrow(/pull secret/);
  });

  it('serves plain HTTP and pulls over plain HTTP unless a certificate and an upstream name are given', async () => {
    const template = await readFile(new URL('../../edge/cdn-node/nginx.conf.template', import.meta.url), 'utf8');
    const plain = renderNginxConfig(template, values);
    expect(plain).not.toMatch(/\bssl\b;|ssl_certificate/);
    expect(plain).toContain('proxy_pass http://origin_gateway;');
    const tls = renderNginxConfig(template, { ...values, tls: { listen: '0.0.0.0:443', certificate: '/etc/vora/tls/node.crt', certificateKey: '/etc/vora/tls/node.key' }, upstreamTls: { serverName: 'shield.vora.example' } });
    expect(tls).toContain('    listen 0.0.0.0:443 ssl;\n    ssl_certificate /etc/vora/tls/node.crt;\n    ssl_certificate_key /etc/vora/tls/node.key;');
    expect(tls).toContain('listen 127.0.0.1:8081;');
    expect(tls).toContain('proxy_pass https://origin_gateway;');
    expect(tls).toContain('proxy_ssl_name shield.vora.example;');
    expect(tls).toContain('proxy_ssl_verify on;');
    expect(tls).toContain('proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;');
    expect(() => renderNginxConfig(template, { ...values, tls: { listen: '0.0.0.0:443', certificate: '/etc/x.crt ssl_verify off', certificateKey: '/k' } })).toThrow(/TLS_CERTIFICATE must be a path/);
    expect(() => renderNginxConfig(template, { ...values, upstreamTls: { serverName: 'a;b' } })).toThrow(/control character/);
  });

  it('asks a fallback (the gateway) when the shield refuses or drops a pull, only when one is given', async () => {
    const template = await readFile(new URL('../../edge/cdn-node/nginx.conf.template', import.meta.url), 'utf8');
    expect(renderNginxConfig(template, values)).not.toContain('backup;');
    const config = renderNginxConfig(template, { ...values, originHostPort: '127.0.0.1:8090', fallbackHostPort: '127.0.0.1:8080' });
    expect(config).toContain('    server 127.0.0.1:8090 max_fails=1 fail_timeout=2s;\n    server 127.0.0.1:8080 backup;\n    keepalive 32;');
    expect(config).toContain('proxy_next_upstream error timeout http_502 http_504;');
    expect(() => renderNginxConfig(template, { ...values, fallbackHostPort: '127.0.0.1:8080; include /x' })).toThrow(/control character/);
  });

  it('refuses a node key that could break out of the nginx string', () => {
    expect(() => renderNginxConfig('{{SEGMENT_TOKEN_CHECK}}', { ...values, nodeKey: 'short"; return 200; #' })).toThrow(/secret/);
  });

  it('refuses a template placeholder it has no value for', () => {
    expect(() => renderNginxConfig('listen {{LISTEN}}; {{MYSTERY}}', values)).toThrow(/MYSTERY/);
  });

  it('refuses values that would inject nginx directives', () => {
    expect(() => renderNginxConfig('{{NODE_ID}}', { ...values, nodeId: 'a; include /etc/passwd' })).toThrow(/control character/);
  });
});

describe('parseStubStatus', () => {
  const page = 'Active connections: 5 \nserver accepts handled requests\n 120 120 340 \nReading: 1 Writing: 3 Waiting: 1 \n';

  it('reads the counters', () => {
    expect(parseStubStatus(page)).toEqual({ active: 5, accepts: 120, handled: 120, requests: 340, reading: 1, writing: 3, waiting: 1 });
  });

  it('reports an error value for anything else', () => {
    expect(parseStubStatus('<html>502 Bad Gateway</html>')).toEqual({ error: 'not an nginx stub_status page' });
  });

  it('counts busy connections without the agent’s own status request', () => {
    const status = parseStubStatus(page);
    if ('error' in status) throw new Error(status.error);
    expect(busyConnections(status)).toBe(3);
    expect(busyConnections({ ...status, reading: 0, writing: 1 })).toBe(0);
  });
});

describe('host load', () => {
  const procNetDev = (eth0Sent: number) =>
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
    `    lo: 9999999  100 0 0 0 0 0 0 9999999 100 0 0 0 0 0 0\n` +
    `  eth0: 123456  200 0 0 0 0 0 0 ${eth0Sent} 300 0 0 0 0 0 0\n`;

  it('reads transmitted bytes per interface, leaving loopback out', () => {
    expect([...parseTransmittedBytes(procNetDev(5_000_000))]).toEqual([['eth0', 5_000_000]]);
    expect(parseTransmittedBytes('garbage').size).toBe(0);
  });

  it('turns two readings into Mbit/s and ignores counters that went backwards', () => {
    const before = parseTransmittedBytes(procNetDev(5_000_000));
    expect(egressMbps(before, parseTransmittedBytes(procNetDev(17_500_000)), 10)).toBeCloseTo(10);
    expect(egressMbps(before, parseTransmittedBytes(procNetDev(1_000)), 10)).toBe(0);
  });

  it('expresses CPU as the load average over all cores, capped at 1', () => {
    expect(cpuFraction(1, 4)).toBe(0.25);
    expect(cpuFraction(9, 2)).toBe(1);
  });
});

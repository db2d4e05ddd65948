import { describe, expect, it } from 'vitest';
import { renderIngestConfig } from '../../ingest/render-config.ts';
import type { LiveInput } from '../../origin/src/live/live-input-rows.ts';
import { decidePublish, precheckPublish } from '../../origin/src/live/publish-decision.ts';

const goodKey = `lk_${'a'.repeat(43)}`;
const input: LiveInput = {
  id: 'live_abc',
  title: 't',
  channelId: null,
  enabled: true,
  status: 'idle',
  reconnectWindowSeconds: 60,
  recording: true,
  latency: 'standard',
  restreamTargets: [],
  publisher: null,
  broadcasts: 0,
  srtPort: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

describe('publish decision', () => {
  it('refuses another application and keys Vora never issues without a lookup', () => {
    expect(precheckPublish({ app: 'other', name: goodKey })).toMatchObject({ allow: false, refusal: 'wrong_application' });
    for (const name of ['', 'lk_short', `${goodKey}x`, `vora_${'a'.repeat(43)}`, `lk_${'a'.repeat(42)}/`]) {
      expect(precheckPublish({ app: 'live', name })).toMatchObject({ allow: false, refusal: 'malformed_key' });
    }
    expect(precheckPublish({ app: 'live', name: goodKey })).toBeNull();
  });

  it('allows an enabled input nobody publishes to, and names the input it refuses', () => {
    expect(decidePublish(input)).toEqual({ allow: true, input });
    expect(decidePublish(null)).toMatchObject({ allow: false, refusal: 'unknown_key' });
    expect(decidePublish({ ...input, enabled: false })).toMatchObject({ allow: false, refusal: 'input_disabled', liveInputId: 'live_abc' });
    const held = { ...input, publisher: { clientId: '3', keyHash: 'h', addr: '10.0.0.1', since: '2026-01-01T00:00:00.000Z' } };
    expect(decidePublish(held)).toMatchObject({ allow: false, refusal: 'already_publishing', liveInputId: 'live_abc', reason: expect.stringContaining('10.0.0.1') });
  });
});

describe('renderIngestConfig', () => {
  const values = {
    listen: '127.0.0.1:1935',
    originUrl: 'http://127.0.0.1:8080/',
    ingestSecret: 'secret_0123456789-abcdef',
    ingestDir: '/tmp/ingest',
    pullBase: 'rtmp://10.0.0.5:1935/live',
    modulePath: '/usr/lib/nginx/modules/ngx_rtmp_module.so',
    playAllowed: ['127.0.0.1', '10.0.0.0/8'],
    userDirective: '',
    statListen: '10.0.0.5:1936',
    statAllowed: ['10.0.1.0/24'],
  };

  it('loads the module, asks the origin before every publish and lets only the ladder hosts pull', () => {
    const config = renderIngestConfig(values);
    expect(config).toContain('load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;');
    expect(config).toContain('listen 127.0.0.1:1935;');
    expect(config).toContain('on_publish http://127.0.0.1:8080/internal/live/on-publish?s=secret_0123456789-abcdef&pull=rtmp://10.0.0.5:1935/live;');
    expect(config).toContain('on_publish_done http://127.0.0.1:8080/internal/live/on-publish-done?s=secret_0123456789-abcdef;');
    expect(config).toMatch(/allow play 127\.0\.0\.1;\n\s+allow play 10\.0\.0\.0\/8;\n\s+deny play all;/);
    expect(config).toContain('drop_idle_publisher 10s;');
    // The stat page (bitrates for the live status) answers loopback and the origins only.
    expect(config).toMatch(/listen 10\.0\.0\.5:1936;\n\s+location = \/stat \{\n\s+allow 127\.0\.0\.1;\n\s+allow 10\.0\.1\.0\/24;\n\s+deny all;\n\s+rtmp_stat all;/);
    expect(config).toContain('on_update http://127.0.0.1:8080/internal/live/on-update?s=secret_0123456789-abcdef;');
    expect(config).toContain('notify_update_timeout 10s;');
    // nginx-rtmp's own hls ignores the on_publish rename and would put the key in paths.
    expect(config).not.toMatch(/\bhls on\b/);
  });

  it('sends the hooks through its own relay on a host, which resolves the origin\'s name as it changes', () => {
    const config = renderIngestConfig({ ...values, originUrl: 'http://internal-gw.example.internal:8080/', hookRelay: { listen: '127.0.0.1:1937', resolver: '169.254.169.253' } });
    expect(config).toContain('on_publish http://127.0.0.1:1937/internal/live/on-publish?s=secret_0123456789-abcdef&pull=rtmp://10.0.0.5:1935/live;');
    expect(config).toContain('on_update http://127.0.0.1:1937/internal/live/on-update?s=secret_0123456789-abcdef;');
    expect(config).not.toMatch(/on_publish\S* http:\/\/internal-gw/);
    expect(config).toMatch(/listen 127\.0\.0\.1:1937;\n\s+resolver 169\.254\.169\.253 valid=30s ipv6=off;/);
    // A variable in proxy_pass: resolved per request (nginx-rtmp would resolve a literal host once, at start).
    expect(config).toContain('set $vora_origin http://internal-gw.example.internal:8080;');
    expect(config).toContain('proxy_pass $vora_origin;');
    expect(() => renderIngestConfig({ ...values, originUrl: 'http://gw:8080/base', hookRelay: { listen: '127.0.0.1:1937', resolver: '10.0.0.2' } })).toThrow(/without a path/);
    expect(() => renderIngestConfig({ ...values, hookRelay: { listen: '127.0.0.1:1937', resolver: '10.0.0.2; include x' } })).toThrow(/hookRelay\.resolver/);
  });

  it('refuses values that would break out of a directive', () => {
    expect(() => renderIngestConfig({ ...values, listen: '1935; include /etc/passwd' })).toThrow(/listen/);
    expect(() => renderIngestConfig({ ...values, playAllowed: ['all; allow publish'] })).toThrow(/playAllowed\[0\]/);
    expect(() => renderIngestConfig({ ...values, statAllowed: ['all; rtmp_stat all'] })).toThrow(/statAllowed\[0\]/);
    expect(() => renderIngestConfig({ ...values, ingestSecret: 'has&amp=sign-0123456789' })).toThrow(/URL-safe/);
  });
});

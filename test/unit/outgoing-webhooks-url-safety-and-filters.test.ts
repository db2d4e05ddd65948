import { describe, expect, it } from 'vitest';
import { CreateWebhookEndpointBody, eventMatchesFilters, WebhookEventFilter } from '../../contracts/webhooks.ts';
import { checkWebhookAddress, checkWebhookUrl, refusedAddressKind, webhookUrlPolicy } from '../../origin/src/outgoing-webhooks/url-safety.ts';

const strict = webhookUrlPolicy('');
const localStack = webhookUrlPolicy('127.0.0.1/32');

describe('webhook URL safety', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:c0a8:0101::1', 'private'],
    ['224.0.0.1', 'reserved'],
    ['not-an-ip', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(refusedAddressKind(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700::1111', '[2606:4700::1111]'])('%s is public', (address) => {
    expect(refusedAddressKind(address)).toBeNull();
    expect(checkWebhookAddress(address, strict)).toEqual({ ok: true });
  });

  it('allows exactly the networks the setting names', () => {
    expect(checkWebhookAddress('127.0.0.1', strict)).toMatchObject({ ok: false, reason: expect.stringMatching(/loopback.*VORA_WEBHOOK_ALLOWED_NETWORKS/) });
    expect(checkWebhookAddress('127.0.0.1', localStack)).toEqual({ ok: true });
    expect(checkWebhookAddress('127.0.0.2', localStack).ok).toBe(false);
    expect(checkWebhookAddress('169.254.169.254', localStack).ok).toBe(false);
    expect(() => webhookUrlPolicy('127.0.0.1/33')).toThrow(/127.0.0.1\/33/);
  });

  it('refuses non-http schemes, credentials, literal private targets and metadata names', () => {
    expect(checkWebhookUrl('ftp://example.com/x', strict)).toMatchObject({ ok: false, reason: expect.stringMatching(/http/) });
    expect(checkWebhookUrl('file:///etc/passwd', strict).ok).toBe(false);
    expect(checkWebhookUrl('https://user:pw@example.com/', strict).ok).toBe(false);
    expect(checkWebhookUrl('http://127.0.0.1:9999/hook', strict).ok).toBe(false);
    expect(checkWebhookUrl('http://localhost:9999/hook', strict).ok).toBe(false);
    expect(checkWebhookUrl('http://a.localhost/hook', strict).ok).toBe(false);
    expect(checkWebhookUrl('http://[::1]/hook', strict).ok).toBe(false);
    // The WHATWG parser turns numeric hosts into dotted quads: 2130706433 and 0x7f000001 are 127.0.0.1.
    expect(checkWebhookUrl('http://2130706433/hook', strict).ok).toBe(false);
    expect(checkWebhookUrl('http://0x7f000001/hook', strict).ok).toBe(false);
    expect(checkWebhookUrl('http://169.254.169.254/latest/meta-data', localStack).ok).toBe(false);
    expect(checkWebhookUrl('http://metadata.google.internal/', localStack).ok).toBe(false);
    expect(checkWebhookUrl('not a url', strict).ok).toBe(false);
  });

  it('lets public URLs through, and loopback ones where the local stack allows them', () => {
    expect(checkWebhookUrl('https://hooks.example.com/vora', strict)).toMatchObject({ ok: true, literalAddress: null });
    expect(checkWebhookUrl('http://127.0.0.1:4000/hook', localStack)).toMatchObject({ ok: true, literalAddress: '127.0.0.1' });
    expect(checkWebhookUrl('http://localhost:4000/hook', localStack).ok).toBe(true);
  });
});

describe('webhook event filters', () => {
  it('match a type exactly, by prefix wildcard, or everything', () => {
    expect(eventMatchesFilters(['video.ready'], 'video.ready')).toBe(true);
    expect(eventMatchesFilters(['video.ready'], 'video.failed')).toBe(false);
    expect(eventMatchesFilters(['video.*'], 'video.failed')).toBe(true);
    expect(eventMatchesFilters(['video.*'], 'videos.failed')).toBe(false);
    expect(eventMatchesFilters(['video.*'], 'webhook.test')).toBe(false);
    expect(eventMatchesFilters(['*'], 'webhook.test')).toBe(true);
    expect(eventMatchesFilters(['node.*', 'video.ready'], 'video.ready')).toBe(true);
  });

  it('refuses malformed filters and defaults to every event', () => {
    for (const bad of ['video.', '*.ready', 'video.**', 'VIDEO.READY', '', 'video ready']) expect(WebhookEventFilter.safeParse(bad).success).toBe(false);
    expect(CreateWebhookEndpointBody.parse({ url: 'https://example.com/' }).events).toEqual(['*']);
    expect(CreateWebhookEndpointBody.safeParse({ url: 'ftp://example.com/' }).success).toBe(false);
    expect(CreateWebhookEndpointBody.safeParse({ url: 'https://example.com/', events: [] }).success).toBe(false);
  });
});

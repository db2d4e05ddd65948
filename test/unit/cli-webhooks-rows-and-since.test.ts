import { describe, expect, it } from 'vitest';
import { replaySince, webhookDeliveryRows, webhookEndpointRows } from '../../cli/operator/webhooks.ts';

const now = Date.parse('2026-12-05T08:00:00.000Z');

describe('vora webhooks', () => {
  it('reads --since as a duration back from now or as an ISO time', () => {
    expect(replaySince('1h', now)).toBe('2026-12-05T07:00:00.000Z');
    expect(replaySince('90m', now)).toBe('2026-12-05T06:30:00.000Z');
    expect(replaySince('2026-12-04T10:00:00Z', now)).toBe('2026-12-04T10:00:00.000Z');
    expect(replaySince('yesterday', now)).toBeNull();
    expect(replaySince('1 hour', now)).toBeNull();
  });

  it('prints endpoints and deliveries as rows, the error when there was no answer', () => {
    const endpoint = { id: 'whe_1', url: 'https://a.example/hook', events: ['video.ready', 'video.failed'], description: '', enabled: false, disabledReason: 'the receiver answered 410 Gone', createdAt: '', updatedAt: '', previousSecretExpiresAt: null };
    expect(webhookEndpointRows([endpoint])).toEqual([['whe_1', 'https://a.example/hook', 'video.ready,video.failed', 'disabled: the receiver answered 410 Gone']]);
    const base = { id: 'whd_1', endpointId: 'whe_1', eventId: 'evt_1', eventType: 'video.ready', status: 'pending' as const, attempts: 2, lastResponseBody: null, nextAttemptAt: null, deliveredAt: null, createdAt: '' };
    expect(webhookDeliveryRows([
      { ...base, lastStatusCode: 503, lastError: null, lastLatencyMs: 12, lastAttemptAt: '2026-12-05T07:59:55.000Z' },
      { ...base, id: 'whd_2', attempts: 0, lastStatusCode: null, lastError: null, lastLatencyMs: null, lastAttemptAt: null },
      { ...base, id: 'whd_3', lastStatusCode: null, lastError: 'no answer within 15000 ms', lastLatencyMs: 15000, lastAttemptAt: '2026-12-05T07:58:00.000Z' },
    ], now)).toEqual([
      ['whd_1', 'video.ready', 'pending', '2', '503', '12 ms', '5s ago'],
      ['whd_2', 'video.ready', 'pending', '0', '-', '-', '-'],
      ['whd_3', 'video.ready', 'pending', '2', 'no answer within 15000 ms', '15000 ms', expect.stringMatching(/ago$/)],
    ]);
  });
});

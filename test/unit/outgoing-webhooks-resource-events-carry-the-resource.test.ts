import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChannelEvent } from '../../contracts/channel-events.ts';
import { LiveInputView } from '../../contracts/live-inputs.ts';
import type { NodeRecord } from '../../contracts/nodes.ts';
import { eventMatchesFilters, WEBHOOK_EVENT_TYPES, WebhookEventFilter } from '../../contracts/webhooks.ts';
import { liveAnnouncements } from '../../origin/src/live/live-announcements.ts';
import type { LiveInput } from '../../origin/src/live/live-input-rows.ts';
import { liveInputView } from '../../origin/src/live/live-input-view.ts';
import type { NewWebhookEvent } from '../../origin/src/outgoing-webhooks/event-store.ts';
import { channelConfigWebhookEvent, liveInputWebhookEvent, liveRecordingReadyWebhookEvent, nodeDrainWebhookEvent, restreamStatusWebhookEvent } from '../../origin/src/outgoing-webhooks/resource-events.ts';

const at = new Date('2026-12-06T10:00:00.000Z');
const urls = { publicUrl: 'http://origin.test', rtmpUrl: 'rtmp://ingest.test/live' };
const node: NodeRecord = { nodeId: 'local-2', url: 'http://127.0.0.1:8082', region: 'local', capacity: 100, load: 0.1, state: 'draining', seenAt: 1, drainedByOperator: true };
const input: LiveInput = {
  id: 'live_abc123',
  title: 'Morning show',
  channelId: 'morning',
  enabled: true,
  status: 'live',
  reconnectWindowSeconds: 60,
  recording: true,
  latency: 'standard',
  restreamTargets: [{ id: 'rst_a', url: 'rtmp://elsewhere.test/app', streamKeyMasked: '****-key', status: 'live', lastError: null, statusChangedAt: new Date(0) }],
  publisher: { clientId: '7', keyHash: 'h', addr: '127.0.0.1', since: at.toISOString() },
  broadcasts: 3,
  srtPort: null,
  createdAt: at,
  updatedAt: at,
};

describe('webhook events of nodes, channel configuration and live inputs', () => {
  it('names every new type in the subscribable list, each matched by its prefix wildcard', () => {
    for (const type of ['node.drained', 'node.undrained', 'channel.config.updated', 'live_input.online', 'live_input.offline', 'live_input.recording.ready', 'live_input.restream.live', 'live_input.restream.failed']) {
      expect(WEBHOOK_EVENT_TYPES).toContain(type);
      const prefix = `${type.split('.')[0]}.*`;
      expect(WebhookEventFilter.safeParse(prefix).success).toBe(true);
      expect(eventMatchesFilters([prefix], type)).toBe(true);
    }
    expect(eventMatchesFilters(['node.*'], 'live_input.online')).toBe(false);
    expect(eventMatchesFilters(['live_input.recording.*'], 'live_input.recording.ready')).toBe(true);
  });

  it('sends a drain with the node as the edge answered, a sequence counter of its own per node', () => {
    const drained = nodeDrainWebhookEvent({ nodeId: 'local-2', drained: true, node }, at);
    expect(drained).toMatchObject({ type: 'node.drained', occurredAt: at, data: { id: 'local-2', drained: true, node }, resourceId: 'node:local-2' });
    expect(drained.id).toMatch(/^evt_[0-9a-f-]{36}$/);
    const undrained = nodeDrainWebhookEvent({ nodeId: 'local-2', drained: false, node: null }, at);
    expect(undrained).toMatchObject({ type: 'node.undrained', data: { id: 'local-2', drained: false, node: null }, resourceId: 'node:local-2' });
    expect(undrained.id).not.toBe(drained.id);
  });

  it('sends a configuration update as GET /v1/channels/:id/config answers it, one event id per hash', () => {
    const state = { hash: 'a'.repeat(64), rootHash: 'b'.repeat(64), config: { chat: { slowModeSeconds: 5 } } } as never;
    const event = channelConfigWebhookEvent('local-2', state, at);
    expect(event).toEqual({
      id: `evt_config_${'a'.repeat(64)}`,
      type: 'channel.config.updated',
      occurredAt: at,
      data: { id: 'local-2', hash: 'a'.repeat(64), rootHash: 'b'.repeat(64), config: { chat: { slowModeSeconds: 5 } } },
      resourceId: 'channel:local-2',
    });
    // A node and a channel of the same name never share a sequence counter.
    expect(event.resourceId).not.toBe(nodeDrainWebhookEvent({ nodeId: 'local-2', drained: true, node: null }, at).resourceId);
  });

  it('sends a live input as the API shows it (never a key), one event per broadcast and change', () => {
    const view = liveInputView(input, urls);
    const online = liveInputWebhookEvent(view, 3, 'online', at);
    expect(online).toMatchObject({ id: 'evt_live_abc123_b3_online', type: 'live_input.online', resourceId: 'live_abc123', data: { id: 'live_abc123', status: 'live', broadcast: 3 } });
    expect(LiveInputView.parse(online.data)).toBeTruthy();
    expect(JSON.stringify(online.data)).toContain('****-key');
    expect(liveInputWebhookEvent(view, 3, 'offline', at).id).toBe('evt_live_abc123_b3_offline');
    expect(liveInputWebhookEvent(view, 4, 'online', at).id).not.toBe(online.id);
  });

  it('sends a ready recording with its live input, once per recording', () => {
    const recording = { id: 'rec_live_abc123_b3', state: 'READY', source: { liveInputId: 'live_abc123', broadcast: 3 } };
    const event = liveRecordingReadyWebhookEvent(liveInputView(input, urls), recording, at);
    expect(event).toMatchObject({ id: 'evt_rec_live_abc123_b3_recording_ready', type: 'live_input.recording.ready', resourceId: 'live_abc123', data: { id: 'live_abc123', title: 'Morning show', recording } });
    expect(liveRecordingReadyWebhookEvent({ id: 'live_gone' }, recording, at).data).toEqual({ id: 'live_gone', recording });
  });

  it("sends a restream target's status change with its input id and the key masked, one event per change", () => {
    const target = { id: 'rst_1', url: 'rtmp://a.test/app', streamKeyMasked: '****WXYZ', status: 'failed' as const, lastError: 'target refused: Connection refused', statusChangedAt: at.toISOString() };
    const failed = restreamStatusWebhookEvent('live_abc123', target);
    expect(failed).toEqual({
      id: `evt_rst_1_failed_${at.getTime()}`,
      type: 'live_input.restream.failed',
      occurredAt: at,
      resourceId: 'rst_1',
      data: { ...target, liveInputId: 'live_abc123' },
    });
    const later = { ...target, status: 'live' as const, lastError: null, statusChangedAt: new Date(at.getTime() + 1500).toISOString() };
    expect(restreamStatusWebhookEvent('live_abc123', later)).toMatchObject({ type: 'live_input.restream.live', id: `evt_rst_1_live_${at.getTime() + 1500}` });
    expect(eventMatchesFilters(['live_input.restream.*'], 'live_input.restream.failed')).toBe(true);
  });
});

describe('live announcements', () => {
  it('tell the room and the endpoints; a room that cannot be reached does not keep the webhook back', async () => {
    const emitted: NewWebhookEvent[] = [];
    const published: ChannelEvent[] = [];
    const announcements = liveAnnouncements({
      log: pino({ level: 'silent' }),
      channelEvents: {
        async publish(event) {
          published.push(event);
          throw new Error('Kafka is down');
        },
      },
      webhooks: { events: { emit: async (event) => void emitted.push(event) }, liveUrls: urls },
    });
    await announcements.announce(input, 3, 'online', at);
    await announcements.announce({ ...input, status: 'ended', publisher: null }, 3, 'offline', at);
    expect(published.map((event) => event.type)).toEqual(['stream.online', 'stream.offline']);
    expect(emitted.map((event) => [event.type, event.id, event.data.status])).toEqual([
      ['live_input.online', 'evt_live_abc123_b3_online', 'live'],
      ['live_input.offline', 'evt_live_abc123_b3_offline', 'ended'],
    ]);
  });
});

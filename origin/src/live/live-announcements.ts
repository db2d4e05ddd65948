import type { Logger } from 'pino';
import type { WebhookEventEmitter } from '../outgoing-webhooks/event-emitter.ts';
import { liveInputWebhookEvent } from '../outgoing-webhooks/resource-events.ts';
import type { ChannelEventPublisher } from '../webhooks/channel-event-publisher.ts';
import type { LiveInput } from './live-input-rows.ts';
import { liveInputView, type LiveInputUrls } from './live-input-view.ts';
import { liveStatusEvent } from './live-status-events.ts';

export interface LiveAnnouncementDeps {
  log: Logger;
  /** `stream.online` / `stream.offline` to the channel's chat room (through `channel-events`). */
  channelEvents?: Pick<ChannelEventPublisher, 'publish'>;
  /** `live_input.online` / `.offline` webhooks, with the input as the API shows it. */
  webhooks?: { events: Pick<WebhookEventEmitter, 'emit'>; liveUrls: LiveInputUrls };
}

export interface LiveAnnouncements {
  /** Broadcast `n` of `input` started or ended. Never throws: neither the room nor a receiver may hold up a publisher. */
  announce(input: LiveInput, broadcast: number, change: 'online' | 'offline', at?: Date): Promise<void>;
}

/** Who hears that a live input went online or offline: its chat room and the webhook endpoints. */
export function liveAnnouncements(deps: LiveAnnouncementDeps): LiveAnnouncements {
  return {
    async announce(input, broadcast, change, at = new Date()) {
      const type = change === 'online' ? 'stream.online' : 'stream.offline';
      await deps.channelEvents
        ?.publish(liveStatusEvent(input, broadcast, type, at))
        .catch((error: unknown) => deps.log.warn({ event: 'live_status_event_failed', liveInputId: input.id, broadcast, err: error }, `${type} not published`));
      await deps.webhooks?.events.emit(liveInputWebhookEvent(liveInputView(input, deps.webhooks.liveUrls), broadcast, change, at));
    },
  };
}

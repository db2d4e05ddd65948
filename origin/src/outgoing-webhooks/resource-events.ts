import { randomUUID } from 'node:crypto';
import type { ConfigState } from '../../../channel-config/chain.ts';
import type { LiveInputView, RestreamTargetView } from '../../../contracts/live-inputs.ts';
import type { NodeDrainAnswer, NodeDrainChange } from '../../../contracts/nodes.ts';
import type { NewWebhookEvent } from './event-store.ts';

/**
 * The webhook events of resources other than videos, each with the resource as the API shows it and `data.id`.
 * Pure. Nodes and channels are named by operators, so their `sequence` counters are kept under a kind prefix: a
 * node and a channel (or a video) that share a name never share a counter. Live input ids (`live_…`) need none.
 */

/** `node.drained` / `node.undrained`: what the drain answered, the node as `GET /v1/nodes` lists it (null while it sends no heartbeats). */
export function nodeDrainWebhookEvent(answer: Pick<NodeDrainAnswer, 'nodeId' | 'drained' | 'node'>, at: Date, id = `evt_${randomUUID()}`): NewWebhookEvent {
  return {
    id,
    type: answer.drained ? 'node.drained' : 'node.undrained',
    occurredAt: at,
    data: { id: answer.nodeId, drained: answer.drained, node: answer.node },
    resourceId: `node:${answer.nodeId}`,
  };
}

/** The same event for a drain change the edge recorded: its id and time are the edge's, so every report of it is one event. */
export function nodeDrainChangeWebhookEvent(change: NodeDrainChange): NewWebhookEvent {
  return nodeDrainWebhookEvent(change, new Date(change.at), change.eventId);
}

/**
 * `channel.config.updated`: the configuration as `GET /v1/channels/:id/config` answers it at the new hash. The hash
 * names the update, so the event id is derived from it (one update, one event).
 */
export function channelConfigWebhookEvent(channelId: string, state: Pick<ConfigState, 'hash' | 'rootHash' | 'config'>, at: Date): NewWebhookEvent {
  return {
    id: `evt_config_${state.hash}`,
    type: 'channel.config.updated',
    occurredAt: at,
    data: { id: channelId, hash: state.hash, rootHash: state.rootHash, config: state.config },
    resourceId: `channel:${channelId}`,
  };
}

/** `live_input.online` / `.offline`: the live input as `GET /v1/live-inputs/:id` shows it; one event per broadcast and change. */
export function liveInputWebhookEvent(input: LiveInputView, broadcast: number, change: 'online' | 'offline', at: Date): NewWebhookEvent {
  return {
    id: `evt_${input.id}_b${broadcast}_${change}`,
    type: `live_input.${change}`,
    occurredAt: at,
    data: { ...input, broadcast },
    resourceId: input.id,
  };
}

/**
 * `live_input.recording.ready`: a broadcast's recording became READY — the live input (or just its id, when it was
 * deleted since) with the recording as `GET /v1/videos/:id` shows it. One per recording, whatever repeats its READY.
 */
export function liveRecordingReadyWebhookEvent(input: LiveInputView | { id: string }, recording: Record<string, unknown> & { id: string }, at: Date): NewWebhookEvent {
  return {
    id: `evt_${recording.id}_recording_ready`,
    type: 'live_input.recording.ready',
    occurredAt: at,
    data: { ...input, recording },
    resourceId: input.id,
  };
}

/**
 * `live_input.restream.live` / `.failed`: a target's push changed to that status — the target as `GET /v1/live-inputs/:id`
 * lists it (key masked) with its input's id. The change's time names the event, so a repeated report sends nothing new.
 */
export function restreamStatusWebhookEvent(liveInputId: string, target: RestreamTargetView & { status: 'live' | 'failed' }): NewWebhookEvent {
  const at = new Date(target.statusChangedAt);
  return {
    id: `evt_${target.id}_${target.status}_${at.getTime()}`,
    type: `live_input.restream.${target.status}`,
    occurredAt: at,
    data: { ...target, liveInputId },
    resourceId: target.id,
  };
}

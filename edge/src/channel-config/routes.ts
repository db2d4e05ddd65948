import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { applyUpdate, rootState, type ConfigState } from '../../../channel-config/chain.ts';
import { chatRulesFromConfig, ConfigUpdateMessage, Sha256Hex } from '../../../contracts/channel-config.ts';
import { ChatRules } from '../../../contracts/chat.ts';
import type { EdgeApp, EdgeEnv } from '../env.ts';
import { EdgeError } from '../http/errors.ts';
import { requireInternalSecret } from '../http/internal-auth.ts';
import { jsonBody } from '../http/json-body.ts';
import { roomStub } from '../rooms/room-stub.ts';
import { answerToUpdate, channelOfRoot, roomOfChannel } from './put-outcome.ts';
import { readConfigState, writeConfigState } from './state.ts';

/**
 * `/internal/config/{rootHash}` (Bearer INTERNAL_SECRET): the origin's edge writer forwards each
 * `config-updates` message here and the edge applies it with `applyUpdate` itself — it never stores
 * a state it did not compute.
 */
export const internalConfigRoutes = new Hono<EdgeApp>();

internalConfigRoutes.use('*', requireInternalSecret());

// A run from the root travels as one Kafka message (1 MB by default): the same bound here, with room to spare.
const MAX_BODY_BYTES = 2 * 1024 * 1024;

function rootHashParam(value: string | undefined): string {
  if (!Sha256Hex.safeParse(value).success) throw new EdgeError(400, 'invalid_root_hash', 'the root hash in the path must be 64 lowercase hex digits');
  return value!;
}

/** What the edge holds for a root; nothing (or a corrupt value) means the root state, so only a run from the root can follow. */
async function heldState(env: EdgeEnv, rootHash: string): Promise<ConfigState> {
  const stored = await readConfigState(env.CONFIG, rootHash);
  if (stored.kind === 'held') return stored.state;
  if (stored.kind === 'corrupt') console.error(JSON.stringify({ event: 'edge.config_corrupt', rootHash, reason: stored.reason }));
  return rootState(rootHash);
}

/** Pushes the channel's chat rules to its room; a failure is a 502 so the writer retries before anything is stored. */
async function pushChatRules(env: EdgeEnv, room: string, state: ConfigState): Promise<void> {
  try {
    await roomStub(env, room).setRules(ChatRules.parse(chatRulesFromConfig(state.config.chat)));
  } catch (error) {
    throw new EdgeError(502, 'room_unreachable', `room ${room} did not take the new chat rules (${String(error)}); nothing was stored, send the update again`);
  }
}

internalConfigRoutes.get('/:rootHash', async (c) => {
  const rootHash = rootHashParam(c.req.param('rootHash'));
  const stored = await readConfigState(c.env.CONFIG, rootHash);
  if (stored.kind === 'held') return c.json(stored.state);
  if (stored.kind === 'corrupt') throw new EdgeError(500, 'corrupt_config', `KV config:${rootHash} is unreadable (${stored.reason}): a run from the root (config-requests) replaces it`);
  throw new EdgeError(404, 'not_found', `the edge holds no configuration for root ${rootHash}: the channel is at its root (defaults) or its updates have not arrived`);
});

const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new EdgeError(413, 'too_large', `a configuration update is limited to ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
  },
});

/** Body: a `ConfigUpdateMessage`. Query `channel` (optional, verified against the root): its room gets the chat rules. */
internalConfigRoutes.put('/:rootHash', limitBody, jsonBody(ConfigUpdateMessage), async (c) => {
  const rootHash = rootHashParam(c.req.param('rootHash'));
  const message = c.req.valid('json');
  if (message.rootHash !== rootHash) throw new EdgeError(400, 'other_root', `the message is for root ${message.rootHash}, the URL names ${rootHash}`);
  const channel = await channelOfRoot(c.req.query('channel'), rootHash);
  if (!channel.ok) throw new EdgeError(400, 'channel_mismatch', channel.message);

  const held = await heldState(c.env, rootHash);
  const outcome = await applyUpdate(held, message);
  let room: string | null = null;
  if (outcome.ok) {
    room = channel.channelId === null ? null : roomOfChannel(channel.channelId);
    // Room first, KV second: if the room fails nothing is stored, so the retry applies (and pushes) again.
    if (room !== null) await pushChatRules(c.env, room, outcome.state);
    await writeConfigState(c.env.CONFIG, outcome.state);
    console.log(JSON.stringify({ event: 'edge.config_applied', rootHash, hash: outcome.state.hash, height: outcome.state.height, room }));
  }
  const answer = answerToUpdate(outcome, held, room);
  return c.json(answer.body, answer.status);
});

import type { ChatRole, ChatUser, ErrorFrame, ModerationFrame } from '../contracts/chat.ts';
import { errorFrame } from './chat-protocol.ts';

const rank: Record<ChatRole, number> = { guest: 0, viewer: 0, moderator: 1, broadcaster: 2 };

/** The user a moderation frame acts on: the author of the message (delete) or `userId` (timeout, ban). */
export interface ModerationTarget {
  id: string;
  role: ChatRole;
}

/**
 * Who may moderate whom: moderators act on viewers, the broadcaster on viewers and moderators.
 * Anyone on staff may delete their own message; nobody may time out or ban themselves. Null means allowed.
 */
export function refuseModeration(actor: ChatUser, frame: ModerationFrame, target: ModerationTarget): ErrorFrame | null {
  if (rank[actor.role] === 0) return errorFrame('forbidden', `only moderators and the broadcaster may ${frame.type}`);
  if (target.id === actor.id) {
    return frame.type === 'delete' ? null : errorFrame('forbidden', `you cannot ${frame.type} yourself`);
  }
  if (rank[target.role] >= rank[actor.role]) return errorFrame('forbidden', `a ${actor.role} cannot ${frame.type} a ${target.role}`);
  return null;
}

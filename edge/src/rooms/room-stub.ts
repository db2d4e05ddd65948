import { RoomName } from '../../../contracts/ids.ts';
import type { EdgeEnv } from '../env.ts';
import { EdgeError } from '../http/errors.ts';

/** The room's Durable Object, after checking the name (a path segment from the internet). */
export function roomStub(env: EdgeEnv, room: string) {
  if (!RoomName.safeParse(room).success) {
    throw new EdgeError(400, 'invalid_room', 'room must be 1-64 characters of A-Z, a-z, 0-9, _ or -');
  }
  return env.CHAT_ROOMS.get(env.CHAT_ROOMS.idFromName(room));
}

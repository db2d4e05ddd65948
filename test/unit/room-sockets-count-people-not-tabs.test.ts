import { describe, expect, it } from 'vitest';
import { RoomSockets } from '../../durable-objects/room-sockets.ts';

describe('RoomSockets', () => {
  it('counts distinct users, splits sockets by protocol, and forgets a socket once however often it is removed', () => {
    const sockets = new RoomSockets<string>();
    sockets.add('ada-tab-1', { userId: 'ada', protocol: 2 });
    sockets.add('ada-tab-2', { userId: 'ada', protocol: 1 });
    sockets.add('bob', { userId: 'bob', protocol: 2 });
    sockets.add('bob', { userId: 'bob', protocol: 2 });
    expect([sockets.size, sockets.users]).toEqual([3, 2]);
    expect([...sockets.speaking(2)]).toEqual(['ada-tab-1', 'bob']);
    expect([...sockets.speaking(1)]).toEqual(['ada-tab-2']);

    sockets.remove('ada-tab-1');
    sockets.remove('ada-tab-1');
    expect([sockets.size, sockets.users]).toEqual([2, 2]);
    sockets.remove('ada-tab-2');
    expect([sockets.size, sockets.users]).toEqual([1, 1]);
    expect([...sockets.all()]).toEqual(['bob']);
  });
});

import { describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../contracts/http.ts';
import { internalFetch, openRoom, uniqueRoom } from './helpers.ts';

const event = (id: string) => ({ id, type: 'stream.online', at: '2026-01-01T12:00:00.000Z', data: { channelId: 'c1' } });

describe('POST /internal/rooms/:room/events', () => {
  it('refuses a missing or wrong secret (401) and delivers nothing', async () => {
    const room = uniqueRoom('events-auth');
    const client = await openRoom(room);
    expect((await internalFetch(`/internal/rooms/${room}/events`, 'POST', event('e0'), null)).status).toBe(401);
    expect((await internalFetch(`/internal/rooms/${room}/events`, 'POST', event('e0'), 'wrong')).status).toBe(401);
    await expect(client.next('event', 300)).rejects.toThrow(/no event frame/);
    await client.close();
  });

  it('refuses a body that breaks the contract (400) and a bad room name', async () => {
    const bad = await internalFetch(`/internal/rooms/${uniqueRoom('events-bad')}/events`, 'POST', { id: '', type: 'Bad Type', at: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(ApiErrorBody.parse(await bad.json()).error.message).toMatch(/id.*type|type.*id/s);
    expect((await internalFetch('/internal/rooms/a.b/events', 'POST', event('e1'))).status).toBe(400);
  });

  it('broadcasts the event to every socket once, and a retry with the same id is a duplicate', async () => {
    const room = uniqueRoom('events');
    const a = await openRoom(room);
    const b = await openRoom(room);
    const first = await internalFetch(`/internal/rooms/${room}/events`, 'POST', event('evt-1'));
    expect(await first.json()).toEqual({ delivered: 2, duplicate: false });
    expect(await a.next('event')).toEqual({ type: 'event', event: event('evt-1') });
    expect((await b.next('event')).event.id).toBe('evt-1');

    const retry = await internalFetch(`/internal/rooms/${room}/events`, 'POST', event('evt-1'));
    expect(await retry.json()).toEqual({ delivered: 0, duplicate: true });
    await expect(a.next('event', 300)).rejects.toThrow(/no event frame/);

    expect(await (await internalFetch(`/internal/rooms/${room}/events`, 'POST', event('evt-2'))).json()).toMatchObject({ duplicate: false });
    expect((await a.next('event')).event.id).toBe('evt-2');
    await Promise.all([a.close(), b.close()]);
  });

  it('an event into an empty room is remembered (delivered 0) so a retry stays a duplicate', async () => {
    const room = uniqueRoom('events-empty');
    expect(await (await internalFetch(`/internal/rooms/${room}/events`, 'POST', event('lonely'))).json()).toEqual({ delivered: 0, duplicate: false });
    expect(await (await internalFetch(`/internal/rooms/${room}/events`, 'POST', event('lonely'))).json()).toEqual({ delivered: 0, duplicate: true });
  });
});

describe('/internal/rooms/:room/rules', () => {
  it('PUT fills defaults, GET reads them back, a bad rule is 400', async () => {
    const room = uniqueRoom('rules');
    const put = await internalFetch(`/internal/rooms/${room}/rules`, 'PUT', { slowModeSeconds: 5 });
    expect(await put.json()).toEqual({ rules: { maxLength: 500, burst: 5, ratePerSecond: 1, slowModeSeconds: 5, bannedWords: [], guests: 'write' } });
    expect((await (await internalFetch(`/internal/rooms/${room}/rules`, 'GET')).json()) as unknown).toMatchObject({ rules: { slowModeSeconds: 5 } });
    expect((await internalFetch(`/internal/rooms/${room}/rules`, 'PUT', { maxLength: 5000 })).status).toBe(400);
    expect((await internalFetch(`/internal/rooms/${room}/rules`, 'GET', undefined, null)).status).toBe(401);
  });
});

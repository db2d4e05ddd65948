import { describe, expect, it } from 'vitest';
import { TWITCH_LINK_SUBSCRIPTIONS } from '../../contracts/channels.ts';
import { appTokenSource } from '../../origin/src/twitch-link/app-token.ts';
import { conditionBroadcaster, linkSubscriptions, sameCondition } from '../../origin/src/twitch-link/subscription-plan.ts';

describe('the subscriptions a Twitch link makes', () => {
  it('are the seven types, each with the condition Twitch documents for it', () => {
    const planned = linkSubscriptions('42');
    expect(planned.map((p) => p.type)).toEqual(TWITCH_LINK_SUBSCRIPTIONS.map((s) => s.type));
    expect(planned.find((p) => p.type === 'channel.raid')).toEqual({ type: 'channel.raid', version: '1', condition: { to_broadcaster_user_id: '42' } });
    expect(planned.find((p) => p.type === 'channel.follow')).toEqual({ type: 'channel.follow', version: '2', condition: { broadcaster_user_id: '42', moderator_user_id: '42' } });
    expect(planned.find((p) => p.type === 'channel.update')?.version).toBe('2');
    for (const p of planned) expect(conditionBroadcaster(p.condition)).toBe('42');
  });

  it('compare conditions field by field, whatever the order', () => {
    expect(sameCondition({ a: '1', b: '2' }, { b: '2', a: '1' })).toBe(true);
    expect(sameCondition({ a: '1' }, { a: '1', b: '2' })).toBe(false);
  });
});

describe('the app access token', () => {
  const answers: Array<() => Response> = [];
  const bodies: string[] = [];
  const fakeFetch = (async (_url: string, init: RequestInit) => {
    bodies.push(String(init.body));
    return answers.shift()!();
  }) as unknown as typeof fetch;
  const token = (value: string, expiresIn = 3600) => () => Response.json({ access_token: value, expires_in: expiresIn, token_type: 'bearer' });

  it('is asked for once with the client-credentials grant, reused, and asked again near its expiry or when invalidated', async () => {
    let now = 0;
    const source = appTokenSource({ tokenUrl: 'http://id.test/oauth2/token', clientId: 'cid', clientSecret: 'csecret', fetch: fakeFetch, now: () => now });
    answers.push(token('t1', 100), token('t2'), token('t3'));
    expect(await Promise.all([source.get(), source.get()])).toEqual(['t1', 't1']);
    expect(bodies).toEqual(['client_id=cid&client_secret=csecret&grant_type=client_credentials']);
    now = 30_000;
    expect(await source.get()).toBe('t1');
    now = 41_000; // within a minute of its 100 s lifetime
    expect(await source.get()).toBe('t2');
    source.invalidate();
    expect(await source.get()).toBe('t3');
  });

  it('names the credentials when Twitch refuses them', async () => {
    const source = appTokenSource({ tokenUrl: 'http://id.test/oauth2/token', clientId: 'cid', clientSecret: 'wrong', fetch: fakeFetch });
    answers.push(() => Response.json({ status: 403, message: 'invalid client secret' }, { status: 403 }));
    await expect(source.get()).rejects.toThrow(/403.*invalid client secret.*TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET/);
  });
});

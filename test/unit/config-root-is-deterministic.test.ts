import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChannelConfig, DEFAULT_CHANNEL_CONFIG, chatRulesFromConfig } from '../../contracts/channel-config.ts';
import { ChatRules } from '../../contracts/chat.ts';
import { rootState } from '../../channel-config/chain.ts';
import { rootConfig, rootHash, rootText } from '../../channel-config/root.ts';

describe('root configuration', () => {
  it('is byte-identical for the same channel: pinned text and hash', async () => {
    // Pinned: a change here changes every channel's root hash (and orphans every chain) — bump ROOT_FORMAT instead.
    expect(rootText('studio-1')).toBe(
      '{"channelId":"studio-1","config":{"chat":{"bannedWords":[],"maxLength":500,"rateLimit":{"messages":5,"perSeconds":5},"slowModeSeconds":0},"ladder":{},"playback":{"allowedPlayerOrigins":[],"maxResolution":1080,"signedUrlsRequired":true}},"format":"vora.channel-config.root/1"}',
    );
    const expected = createHash('sha256').update(rootText('studio-1')).digest('hex');
    expect(await rootHash('studio-1')).toBe(expected);
    expect(await rootHash('studio-1')).toBe(expected);
  });

  it('gives different channels different root hashes', async () => {
    const hashes = await Promise.all(['a', 'b', 'A', 'a-', 'studio-1'].map(rootHash));
    expect(new Set(hashes).size).toBe(5);
  });

  it('starts from the defaults, which are a valid configuration, as a fresh copy each time', async () => {
    expect(ChannelConfig.parse(DEFAULT_CHANNEL_CONFIG)).toEqual(DEFAULT_CHANNEL_CONFIG);
    const state = rootState(await rootHash('c'));
    expect(state).toMatchObject({ hash: state.rootHash, height: 0, config: DEFAULT_CHANNEL_CONFIG });
    state.config.chat.bannedWords.push('mutated');
    expect(rootConfig().chat.bannedWords).toEqual([]);
  });

  it('maps the chat section onto the rules a ChatRoom enforces', () => {
    const rules = chatRulesFromConfig({ slowModeSeconds: 30, maxLength: 200, bannedWords: ['spam'], rateLimit: { messages: 10, perSeconds: 20 } });
    expect(ChatRules.parse(rules)).toEqual({ slowModeSeconds: 30, maxLength: 200, bannedWords: ['spam'], burst: 10, ratePerSecond: 0.5, guests: 'write' });
    expect(chatRulesFromConfig(DEFAULT_CHANNEL_CONFIG.chat)).toEqual(ChatRules.parse({}));
  });
});

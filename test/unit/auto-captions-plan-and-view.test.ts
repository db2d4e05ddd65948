import { describe, expect, it } from 'vitest';
import { ChannelConfig, DEFAULT_CHANNEL_CONFIG } from '../../contracts/channel-config.ts';
import { autoCaptionsView } from '../../origin/src/auto-captions/auto-captions-view.ts';
import { autoCaptionsPlanFor, generatedTrackLabel } from '../../origin/src/auto-captions/plan.ts';
import { CreateVideoBody } from '../../origin/src/api/video-schemas.ts';
import type { AutoCaptionsRecord } from '../../origin/src/db/auto-captions.ts';

describe('whether a video gets automatic captions', () => {
  const channelFr = { enabled: true, language: 'fr' };

  it('follows the channel when the upload says nothing', () => {
    expect(autoCaptionsPlanFor(null, channelFr)).toEqual({ language: 'fr' });
    expect(autoCaptionsPlanFor(null, { enabled: false, language: 'fr' })).toBeNull();
    expect(autoCaptionsPlanFor(null, undefined)).toBeNull();
  });

  it('lets the upload turn them off or on, in its language, else the channel\'s, else English', () => {
    expect(autoCaptionsPlanFor({ enabled: false }, channelFr)).toBeNull();
    expect(autoCaptionsPlanFor({ enabled: true, language: 'de' }, channelFr)).toEqual({ language: 'de' });
    expect(autoCaptionsPlanFor({ enabled: true }, { enabled: false, language: 'fr' })).toEqual({ language: 'fr' });
    expect(autoCaptionsPlanFor({ enabled: true }, undefined)).toEqual({ language: 'en' });
  });

  it('labels a generated track with its language and as automatic', () => {
    expect(generatedTrackLabel('en')).toBe('English (automatic)');
    expect(generatedTrackLabel('pt-BR')).toBe('Brazilian Portuguese (automatic)');
    expect(generatedTrackLabel('tlh')).toBe('Klingon (automatic)');
  });
});

describe('the channel configuration and the upload body', () => {
  it('take autoCaptions {enabled, language} and refuse what is not a language tag', () => {
    expect(ChannelConfig.safeParse({ ...DEFAULT_CHANNEL_CONFIG, autoCaptions: { enabled: true, language: 'en-US' } }).success).toBe(true);
    expect(ChannelConfig.safeParse({ ...DEFAULT_CHANNEL_CONFIG, autoCaptions: { enabled: true, language: 'english please' } }).error?.issues[0]?.message).toMatch(/BCP-47/);
    expect(ChannelConfig.safeParse({ ...DEFAULT_CHANNEL_CONFIG, autoCaptions: { enabled: true } }).success).toBe(false);
    expect(DEFAULT_CHANNEL_CONFIG).not.toHaveProperty('autoCaptions'); // the root document, and so every root hash, is unchanged
    expect(CreateVideoBody.safeParse({ title: 'x', autoCaptions: { enabled: true, language: 'fr' } }).success).toBe(true);
    expect(CreateVideoBody.safeParse({ title: 'x', autoCaptions: { enabled: 'yes' } }).success).toBe(false);
    expect(CreateVideoBody.safeParse({ title: 'x', autoCaptions: { enabled: true, lang: 'fr' } }).success).toBe(false);
  });
});

describe('the API view of automatic captions', () => {
  const generated: AutoCaptionsRecord = {
    request: { enabled: true, language: 'en' }, state: 'generated', language: 'en', engine: 'faster-whisper', reason: null,
    trackId: 'cap_abc', cueCount: 12, audioSeconds: 35.1, elapsedSeconds: 9.5, updatedAt: new Date(0),
  };

  it('shows a stored generated track as it was recorded', () => {
    expect(autoCaptionsView(generated, true)).toMatchObject({ state: 'generated', trackId: 'cap_abc', reason: null, cueCount: 12 });
  });

  it('calls a generated track that is gone superseded, with the reason', () => {
    expect(autoCaptionsView(generated, false)).toMatchObject({ state: 'superseded', trackId: null, reason: expect.stringContaining('replaced by an uploaded track') });
  });

  it('passes other outcomes through', () => {
    expect(autoCaptionsView({ ...generated, state: 'failed', trackId: null, reason: 'pocketsphinx exited with 139' }, false)).toMatchObject({ state: 'failed', reason: 'pocketsphinx exited with 139' });
  });
});

import type { AutoCaptionsPlan } from '../../../contracts/transcode.ts';
import type { ChannelConfig } from '../../../contracts/channel-config.ts';
import type { AutoCaptionsRequest } from '../db/auto-captions.ts';

/** The language automatic captions take when an upload turns them on without one and its channel names none. */
export const DEFAULT_CAPTIONS_LANGUAGE = 'en';

/**
 * Whether a video gets automatic captions, and in which language. The upload's own choice wins (off is off; on
 * takes its language, else its channel's, else English); without one, the channel's configuration decides. Pure.
 */
export function autoCaptionsPlanFor(request: AutoCaptionsRequest | null, channel: ChannelConfig['autoCaptions'] | undefined): AutoCaptionsPlan | null {
  if (request) return request.enabled ? { language: request.language ?? channel?.language ?? DEFAULT_CAPTIONS_LANGUAGE } : null;
  return channel?.enabled ? { language: channel.language } : null;
}

/** The label a generated track shows in the player's menu: the language's English name, marked as automatic. Pure. */
export function generatedTrackLabel(language: string): string {
  let name = language;
  try {
    name = new Intl.DisplayNames(['en'], { type: 'language' }).of(language) ?? language;
  } catch {
    /* not a tag Intl knows: the tag itself */
  }
  return `${name} (automatic)`;
}

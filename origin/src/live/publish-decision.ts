import { STREAM_KEY_PATTERN, type RtmpNotifyForm } from '../../../contracts/live-inputs.ts';
import type { LiveInput } from './live-input-rows.ts';

/** The RTMP application publishers use: `rtmp://host:1935/live/{streamKey}`. */
export const INGEST_APPLICATION = 'live';

export type PublishRefusal = 'wrong_application' | 'malformed_key' | 'unknown_key' | 'input_disabled' | 'already_publishing';

export type PublishDecision = { allow: true; input: LiveInput } | { allow: false; refusal: PublishRefusal; reason: string; liveInputId?: string };

/** Is this form worth a database lookup at all? A key we never issue is refused without one. */
export function precheckPublish(form: RtmpNotifyForm): PublishDecision | null {
  if (form.app !== INGEST_APPLICATION) return refuse('wrong_application', `application "${form.app}" is not "${INGEST_APPLICATION}": publish to rtmp://…/${INGEST_APPLICATION}/{streamKey}`);
  if (!STREAM_KEY_PATTERN.test(form.name)) return refuse('malformed_key', 'the stream key is not one Vora issues (lk_…): copy it from `vora live create` or rotate it');
  return null;
}

/** Whether the input a key named may be published to now. Pure: the caller looked the key up. */
export function decidePublish(input: LiveInput | null): PublishDecision {
  if (!input) return refuse('unknown_key', 'no live input has this stream key (unknown, deleted or rotated out)');
  if (!input.enabled) return refuse('input_disabled', `live input ${input.id} is disabled`, input.id);
  if (input.publisher) return refuse('already_publishing', `live input ${input.id} already has a publisher (${input.publisher.addr} since ${input.publisher.since})`, input.id);
  return { allow: true, input };
}

function refuse(refusal: PublishRefusal, reason: string, liveInputId?: string): PublishDecision {
  return { allow: false, refusal, reason, ...(liveInputId === undefined ? {} : { liveInputId }) };
}

// Fragments in, LL-HLS parts and segments out: numbering, independence, discontinuities, the preload hint, the window.
import { concatBytes } from './byte-queue.ts';
import type { Fragment, InitSegment } from './fmp4-reader.ts';
import { round, type LlhlsOptions } from './llhls-options.ts';
import type { LiveInit, LivePart, LiveSegment, PackagerState, PartPosition } from './live-state.ts';
import { firstRetainedIndex } from './live-window.ts';
import { initName, partName, segmentName } from './part-names.ts';

export type CutWarningCode = 'part-over-target' | 'part-under-floor' | 'segment-over-target' | 'dependent-start-dropped';

export type CutEvent =
  /** A new init segment is referenced: write it once to storage. */
  | { kind: 'init'; init: LiveInit }
  /** A part exists: wake requests held for it or for a playlist containing it. */
  | { kind: 'part'; part: LivePart }
  /** A segment is complete: write `bytes` (its parts end to end) once to storage. */
  | { kind: 'segment'; segment: LiveSegment; bytes: Uint8Array }
  /** The hinted part will not exist under that name (§6.2.6): answer requests held for it with 404. */
  | { kind: 'hint-withdrawn'; uri: string }
  /** The stream breaks a rule the playlist promises; it is still published. Log it. */
  | { kind: 'warning'; code: CutWarningCode; message: string };

export class PartCutter {
  private readonly segments: LiveSegment[] = [];
  private hint: (PartPosition & { uri: string }) | null = null;
  private ended = false;
  private nextMsn: number;
  private discontinuitySequence = 0;
  /** The current encoder run's init, until its first independent fragment makes a segment that uses it. */
  private pendingInit: InitSegment | null = null;
  private runInit: LiveInit | null = null;
  private openExactSeconds = 0;

  constructor(private readonly options: LlhlsOptions) {
    this.nextMsn = options.firstMediaSequence;
  }

  /** A read-only view for the playlist writer and request decisions; it changes as the cutter does. */
  get state(): PackagerState {
    return { segments: this.segments, hint: this.hint, ended: this.ended };
  }

  /** A new encoder run (a new PUT) begins with its init segment: it follows any earlier run behind a discontinuity. */
  startStream(init: InitSegment): CutEvent[] {
    const events = this.closeOpenSegment();
    this.pendingInit = init;
    this.runInit = null;
    if (!this.ended) this.setHint({ msn: this.nextMsn, index: 0 }, events);
    return events;
  }

  addFragment(fragment: Fragment): CutEvent[] {
    const events: CutEvent[] = [];
    if (this.ended) return events;
    let open = this.openSegment();
    if (!open || (fragment.independent && open.durationSeconds >= this.options.minSegmentSeconds)) {
      if (!fragment.independent) {
        events.push({ kind: 'warning', code: 'dependent-start-dropped', message: `fragment ${fragment.sequenceNumber} does not start with a sync sample and no segment is open: dropped until a keyframe comes` });
        return events;
      }
      events.push(...this.closeOpenSegment());
      open = this.openNewSegment(events);
    }
    const part: LivePart = {
      msn: open.msn,
      index: open.parts.length,
      uri: partName(open.msn, open.parts.length),
      durationSeconds: round(fragment.durationSeconds),
      independent: fragment.independent,
      bytes: fragment.bytes,
    };
    if (this.hint && (this.hint.msn !== part.msn || this.hint.index !== part.index)) events.push({ kind: 'hint-withdrawn', uri: this.hint.uri });
    if (part.durationSeconds > this.options.partTargetSeconds) {
      events.push({ kind: 'warning', code: 'part-over-target', message: `${part.uri} lasts ${part.durationSeconds} s, over PART-TARGET ${this.options.partTargetSeconds} s: lower the encoder's -frag_duration` });
    }
    const previous = open.parts.at(-1);
    // §4.4.4.9: only independent parts and a segment's last part may be under 85% of PART-TARGET; `previous` is neither.
    if (previous && !previous.independent && previous.durationSeconds < 0.85 * this.options.partTargetSeconds) {
      events.push({ kind: 'warning', code: 'part-under-floor', message: `${previous.uri} lasts ${previous.durationSeconds} s, under 85% of PART-TARGET ${this.options.partTargetSeconds} s: a keyframe inside a segment (scene cut?) cut it short; use -sc_threshold 0` });
    }
    open.parts.push(part);
    // Summed unrounded, so six 1/3-s parts make a 2-s segment, not 1.99998.
    this.openExactSeconds += fragment.durationSeconds;
    open.durationSeconds = round(this.openExactSeconds);
    events.push({ kind: 'part', part });
    const next = open.durationSeconds >= this.options.minSegmentSeconds ? { msn: open.msn + 1, index: 0 } : { msn: open.msn, index: part.index + 1 };
    this.hint = { ...next, uri: partName(next.msn, next.index) };
    this.trim();
    return events;
  }

  /** The encoder run stopped (publisher gone): its last segment completes; a reconnect continues behind a discontinuity. */
  endStream(): CutEvent[] {
    const events = this.closeOpenSegment();
    this.pendingInit = null;
    this.runInit = null;
    if (!this.ended) this.setHint({ msn: this.nextMsn, index: 0 }, events);
    return events;
  }

  /** The broadcast is over: EXT-X-ENDLIST, no hint; later input is ignored. */
  end(): CutEvent[] {
    const events = this.closeOpenSegment();
    this.setHint(null, events);
    this.ended = true;
    this.pendingInit = null;
    return events;
  }

  private openSegment(): LiveSegment | null {
    const last = this.segments.at(-1);
    return last && !last.complete ? last : null;
  }

  private openNewSegment(events: CutEvent[]): LiveSegment {
    const msn = this.nextMsn++;
    let discontinuity = false;
    if (this.pendingInit) {
      this.runInit = { uri: initName(msn), bytes: this.pendingInit.bytes };
      this.pendingInit = null;
      events.push({ kind: 'init', init: this.runInit });
      // The first run starts the stream; every later run follows a break in timestamps and maybe in encoding.
      discontinuity = msn !== this.options.firstMediaSequence;
      if (discontinuity) this.discontinuitySequence++;
    }
    const segment: LiveSegment = {
      msn,
      uri: segmentName(msn),
      init: this.runInit!,
      discontinuity,
      discontinuitySequence: this.discontinuitySequence,
      parts: [],
      durationSeconds: 0,
      complete: false,
    };
    this.segments.push(segment);
    this.openExactSeconds = 0;
    return segment;
  }

  private closeOpenSegment(): CutEvent[] {
    const open = this.openSegment();
    if (!open) return [];
    open.complete = true;
    const events: CutEvent[] = [{ kind: 'segment', segment: open, bytes: concatBytes(open.parts.map((part) => part.bytes)) }];
    if (Math.round(open.durationSeconds) > this.options.targetDurationSeconds) {
      events.push({ kind: 'warning', code: 'segment-over-target', message: `${open.uri} lasts ${open.durationSeconds} s, over EXT-X-TARGETDURATION ${this.options.targetDurationSeconds}: the encoder's keyframe interval must match the segment target` });
    }
    return events;
  }

  private setHint(next: PartPosition | null, events: CutEvent[]): void {
    if (this.hint && (!next || this.hint.msn !== next.msn || this.hint.index !== next.index)) events.push({ kind: 'hint-withdrawn', uri: this.hint.uri });
    this.hint = next && { ...next, uri: partName(next.msn, next.index) };
  }

  private trim(): void {
    const first = firstRetainedIndex(this.segments, this.options);
    if (first > 0) this.segments.splice(0, first);
  }
}

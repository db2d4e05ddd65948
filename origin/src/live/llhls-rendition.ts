// One low-latency rendition of one broadcast: the pure packager (llhls/) with its I/O — MinIO writes, held requests, logs.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import { liveKeys, type LiveSection } from '../../../contracts/live.ts';
import type { Fmp4Error } from './llhls/fmp4-error.ts';
import type { LlhlsOptions } from './llhls/llhls-options.ts';
import type { CutEvent } from './llhls/part-cutter.ts';
import { RenditionPackager, type PackagerStep } from './llhls/rendition-packager.ts';
import { HeldRequests } from './held-requests.ts';

export interface RenditionIds {
  inputId: string;
  broadcast: number;
  rendition: string;
}

export interface LlhlsRenditionDeps {
  s3: S3Client;
  bucket: string;
  log: Logger;
}

interface StoredSegment {
  msn: number;
  durationSeconds: number;
  initUri: string;
}

const isPreconditionFailed = (error: unknown) =>
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412 || (error as { name?: string }).name === 'PreconditionFailed';

/** The stored segments as the live workflow keeps them (one section per init segment, i.e. per encoder run). Pure. */
export function sectionsOf(stored: readonly StoredSegment[]): LiveSection[] {
  const sections: LiveSection[] = [];
  for (const segment of stored) {
    const last = sections.at(-1);
    if (last && last.mapUri === segment.initUri && last.first + last.durations.length === segment.msn) last.durations.push(segment.durationSeconds);
    else sections.push({ mapUri: segment.initUri, first: segment.msn, durations: [segment.durationSeconds] });
  }
  return sections;
}

/**
 * Feeds each encoder run's PUT into the packager and acts on what it cuts: init segments and segments written once
 * to `vora-media/live/{id}/b{n}/{rendition}/` (the standard live path's keys, so the recording finds them), held
 * playlist and part requests woken, warnings logged. Writes go one after another, in cut order.
 */
export class LlhlsRendition {
  readonly packager: RenditionPackager;
  readonly held = new HeldRequests();
  private run = 0;
  private writes: Promise<void> = Promise.resolve();
  private readonly stored: StoredSegment[] = [];
  private readonly log: Logger;

  constructor(
    readonly ids: RenditionIds,
    options: LlhlsOptions,
    private readonly deps: LlhlsRenditionDeps,
  ) {
    this.packager = new RenditionPackager(options);
    this.log = deps.log.child({ liveInputId: ids.inputId, broadcast: ids.broadcast, rendition: ids.rendition });
  }

  /** A new encoder run (PUT); an earlier one still open is closed. Returns the run's number for `push`. */
  beginStream(): number {
    this.apply(this.packager.beginStream());
    this.run += 1;
    this.log.info({ event: 'llhls_stream_begun', run: this.run }, 'low-latency stream begun');
    return this.run;
  }

  /** Bytes of run `run`; a run superseded by a newer PUT is refused (`superseded`), bad bytes end it (`error`). */
  push(run: number, chunk: Uint8Array): { superseded: true } | { superseded: false; error?: Fmp4Error } {
    if (run !== this.run || !this.packager.streaming) return { superseded: true };
    const step = this.apply(this.packager.push(chunk));
    return { superseded: false, error: step.error };
  }

  /** Run `run`'s PUT ended or dropped (a newer run is left alone). */
  endStream(run: number): void {
    if (run !== this.run || !this.packager.streaming) return;
    this.apply(this.packager.endStream());
    // `sections` waits for no run to be open, whether or not closing it cut anything.
    this.held.wake();
    this.log.info({ event: 'llhls_stream_ended', run }, 'low-latency stream ended');
  }

  /** The broadcast is over: EXT-X-ENDLIST, held requests answered. */
  end(): void {
    if (this.packager.state.ended) return;
    this.apply(this.packager.end());
  }

  get streaming(): boolean {
    return this.packager.streaming;
  }

  /** Resolves once every write asked for so far is done (or failed and logged). */
  settled(): Promise<void> {
    return this.writes;
  }

  /** What this rendition stored, as the live workflow's sections. */
  sections(): LiveSection[] {
    return sectionsOf(this.stored);
  }

  private apply(step: PackagerStep): PackagerStep {
    for (const event of step.events) this.act(event);
    if (step.error) this.log.warn({ event: 'llhls_stream_unreadable', code: step.error.code, offset: step.error.offset, message: step.error.message }, 'low-latency stream unreadable: run closed');
    if (step.events.length > 0) this.held.wake();
    return step;
  }

  private act(event: CutEvent): void {
    switch (event.kind) {
      case 'init':
        this.store(event.init.uri, event.init.bytes, 'video/mp4');
        return;
      case 'segment': {
        const { msn, uri, durationSeconds, init } = event.segment;
        this.store(uri, event.bytes, 'video/iso.segment', () => this.stored.push({ msn, durationSeconds, initUri: init.uri }));
        return;
      }
      case 'warning':
        this.log.warn({ event: 'llhls_stream_warning', code: event.code, message: event.message }, 'low-latency stream breaks a playlist rule');
        return;
      case 'part':
      case 'hint-withdrawn':
        // Held requests re-check after the step (apply → wake): a withdrawn hint's holders then get 404.
        return;
    }
  }

  /** Write once (If-None-Match: *): an object already there is an earlier run's and is kept. */
  private store(file: string, bytes: Uint8Array, contentType: string, onStored?: () => void): void {
    const key = liveKeys.rendition(this.ids.inputId, this.ids.broadcast, this.ids.rendition, file);
    this.writes = this.writes.then(async () => {
      try {
        await this.deps.s3.send(new PutObjectCommand({ Bucket: this.deps.bucket, Key: key, Body: bytes, ContentType: contentType, IfNoneMatch: '*' }));
        onStored?.();
      } catch (error) {
        if (isPreconditionFailed(error)) {
          this.log.warn({ event: 'llhls_store_exists', key }, 'low-latency object already stored: the earlier one is kept');
          onStored?.();
          return;
        }
        this.log.error({ event: 'llhls_store_failed', key, err: error }, 'low-latency object could not be stored');
      }
    });
  }
}

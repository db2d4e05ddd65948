// One rendition's packager: the bytes of each encoder run (one PUT each) in, parts, segments and playlists out. No I/O.
import type { Fmp4Error } from './fmp4-error.ts';
import { Fmp4StreamReader, type ReaderEvent, type ReadResult } from './fmp4-reader.ts';
import type { LlhlsOptions } from './llhls-options.ts';
import { renditionReport, type PackagerState } from './live-state.ts';
import { writeMediaPlaylist, type RenditionReportInput } from './media-playlist.ts';
import { PartCutter, type CutEvent } from './part-cutter.ts';
import type { BoxLimits } from './top-level-boxes.ts';

export interface PackagerStep {
  events: CutEvent[];
  /** The current run's bytes are unreadable: it has been closed (answer its PUT with 400, log the error). */
  error?: Fmp4Error;
}

export class RenditionPackager {
  private readonly cutter: PartCutter;
  private reader: Fmp4StreamReader | null = null;

  constructor(
    readonly options: LlhlsOptions,
    private readonly limits?: BoxLimits,
  ) {
    this.cutter = new PartCutter(options);
  }

  get state(): PackagerState {
    return this.cutter.state;
  }

  /** Whether an encoder run is being read (a PUT is open). */
  get streaming(): boolean {
    return this.reader !== null;
  }

  /** A new encoder run (a new PUT) begins; a run still open is closed first, as if its connection had dropped. */
  beginStream(): PackagerStep {
    const step = this.reader ? this.endStream() : { events: [] };
    this.reader = new Fmp4StreamReader(this.limits);
    return step;
  }

  /** Bytes of the current run, in whatever chunks they arrived. */
  push(chunk: Uint8Array): PackagerStep {
    if (!this.reader) return { events: [], error: { code: 'stream-failed', message: 'bytes arrived with no encoder run open: call beginStream() first', offset: 0 } };
    return this.apply(this.reader.push(chunk));
  }

  /** The run's PUT ended or dropped: a half-written fragment at the end is reported, every whole one is kept. */
  endStream(): PackagerStep {
    if (!this.reader) return { events: [] };
    const read = this.reader.end();
    const step = this.apply(read);
    if (this.reader) {
      this.reader = null;
      step.events.push(...this.cutter.endStream());
    }
    return step;
  }

  /** The broadcast is over (the reconnect window passed): EXT-X-ENDLIST. */
  end(): PackagerStep {
    const step = this.endStream();
    step.events.push(...this.cutter.end());
    return step;
  }

  /** This rendition's playlist, or null before its first part. */
  playlist(reports: readonly RenditionReportInput[] = []): string | null {
    return writeMediaPlaylist(this.state, this.options, reports);
  }

  /** What a sibling rendition's playlist reports about this one, under the URI it uses for it. */
  reportAs(uri: string): RenditionReportInput | null {
    return renditionReport(this.state, uri);
  }

  private apply(read: ReadResult): PackagerStep {
    const events = read.events.flatMap((event: ReaderEvent) =>
      event.kind === 'init' ? this.cutter.startStream(event.init) : this.cutter.addFragment(event.fragment),
    );
    if (read.ok) return { events };
    this.reader = null;
    events.push(...this.cutter.endStream());
    return { events, error: read.error };
  }
}

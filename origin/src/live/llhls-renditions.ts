// Every low-latency rendition this origin packages, by (input, broadcast, rendition); ended ones are dropped after a while.
import { resolveLlhlsOptions, type LlhlsOptions } from './llhls/llhls-options.ts';
import { LlhlsRendition, type LlhlsRenditionDeps, type RenditionIds } from './llhls-rendition.ts';
import { LIVE_SEGMENT_SECONDS } from '../../../contracts/live.ts';

/** PART-TARGET for the ladder's `-frag_duration 330000` at 30 fps (llhls/README.md), segments on the 2-s GOPs. */
export const liveLlhlsOptions = (): LlhlsOptions => resolveLlhlsOptions({ partTargetSeconds: 0.36, segmentTargetSeconds: LIVE_SEGMENT_SECONDS });

export interface LlhlsRenditionsOptions extends LlhlsRenditionDeps {
  options?: LlhlsOptions;
  /** An ended broadcast's packagers answer from memory this long; later requests go to the stored playlists in MinIO. */
  keepEndedMs?: number;
  /** Slack after the reconnect window before an idle packager ends itself (the workflow's `end` normally comes first). */
  endGraceMs?: number;
}

const keyOf = (ids: RenditionIds) => `${ids.inputId}/b${ids.broadcast}/${ids.rendition}`;

export class LlhlsRenditions {
  readonly options: LlhlsOptions;
  private readonly byKey = new Map<string, LlhlsRendition>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: LlhlsRenditionsOptions) {
    this.options = deps.options ?? liveLlhlsOptions();
  }

  get(ids: RenditionIds): LlhlsRendition | undefined {
    return this.byKey.get(keyOf(ids));
  }

  /** The rendition's packager, made on its first PUT; `first` numbers its first segment (behind what earlier runs stored). */
  open(ids: RenditionIds, first: number): LlhlsRendition {
    const key = keyOf(ids);
    let rendition = this.byKey.get(key);
    if (!rendition) {
      rendition = new LlhlsRendition(ids, { ...this.options, firstMediaSequence: first }, this.deps);
      this.byKey.set(key, rendition);
    }
    this.clearIdle(key);
    return rendition;
  }

  /** The PUT of a run ended: unless another run begins within the reconnect window (+ grace), the rendition ends itself. */
  idle(ids: RenditionIds, reconnectWindowSeconds: number): void {
    const key = keyOf(ids);
    this.clearIdle(key);
    const timer = setTimeout(() => {
      const rendition = this.byKey.get(key);
      if (rendition && !rendition.streaming) this.endOne(key, rendition);
    }, reconnectWindowSeconds * 1000 + (this.deps.endGraceMs ?? 30_000));
    timer.unref();
    this.idleTimers.set(key, timer);
  }

  /** The other renditions of the same broadcast (for EXT-X-RENDITION-REPORT). */
  siblings(ids: RenditionIds): LlhlsRendition[] {
    const prefix = `${ids.inputId}/b${ids.broadcast}/`;
    return [...this.byKey.entries()].filter(([key]) => key.startsWith(prefix) && key !== keyOf(ids)).map(([, rendition]) => rendition);
  }

  /** The broadcast is over: every rendition of it gets EXT-X-ENDLIST; resolves once their writes are done. */
  async endBroadcast(inputId: string, broadcast: number): Promise<number> {
    const prefix = `${inputId}/b${broadcast}/`;
    const ended = [...this.byKey.entries()].filter(([key]) => key.startsWith(prefix));
    for (const [key, rendition] of ended) this.endOne(key, rendition);
    await Promise.all(ended.map(([, rendition]) => rendition.settled()));
    return ended.length;
  }

  private endOne(key: string, rendition: LlhlsRendition): void {
    this.clearIdle(key);
    rendition.end();
    const drop = setTimeout(() => {
      if (this.byKey.get(key) === rendition) this.byKey.delete(key);
    }, this.deps.keepEndedMs ?? 10 * 60_000);
    drop.unref();
  }

  private clearIdle(key: string): void {
    clearTimeout(this.idleTimers.get(key));
    this.idleTimers.delete(key);
  }
}

// Where the time from a publish to the first playable segment goes, read from the stack's JSON logs (pino lines of
// the origin and the transcoder) for one live input: each step as milliseconds after the publisher was spawned.

/** Milliseconds after the publish of each step, null when its log line is missing. */
export interface PublishTimeline {
  /** The origin answered nginx-rtmp's on_publish (authorized, workflow started, "went live" announced). */
  authorized: number | null;
  /** Time the origin spent in that hook. */
  hookMs: number | null;
  /** The live activity began and spawned the ladder FFmpeg. */
  ladderStarted: number | null;
  /** The ladder FFmpeg's first progress report: input opened and probed, encoding. */
  encoding: number | null;
  /** The first segment of every rung and the playlists listing it stored in MinIO. */
  firstSegmentStored: number | null;
}

interface LogLine {
  time?: number;
  event?: string;
  liveInputId?: string;
  msInHook?: number;
}

function parsed(lines: readonly string[], inputId: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of lines) {
    if (!line.includes(inputId)) continue;
    try {
      const entry = JSON.parse(line) as LogLine;
      if (entry.liveInputId === inputId && typeof entry.time === 'number') out.push(entry);
    } catch {
      /* not a JSON line (a stack trace, a supervisor note) */
    }
  }
  return out;
}

/** Pure: the first of each event for `inputId` in the given log lines, relative to `publishedAt` (epoch ms). */
export function publishTimeline(lines: readonly string[], inputId: string, publishedAt: number): PublishTimeline {
  const entries = parsed(lines, inputId);
  const first = (event: string) => entries.find((entry) => entry.event === event);
  const after = (entry: LogLine | undefined) => (entry ? entry.time! - publishedAt : null);
  const authorized = first('live_publish_authorized');
  return {
    authorized: after(authorized),
    hookMs: authorized?.msInHook ?? null,
    ladderStarted: after(first('live_ladder_started')),
    encoding: after(first('live_ladder_encoding')),
    firstSegmentStored: after(first('live_ladder_first_segment')),
  };
}

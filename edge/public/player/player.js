// Attaches the stream: hls.js where Media Source Extensions exist, the browser's own HLS (Safari, iOS) otherwise.
import { hlsConfig, standardLiveTargetLatency } from './hls-config.js';

const MAX_RECOVERIES = 3;

/**
 * `options.live`: a live page (hls.js in low-latency mode, hls-config.js); Safari's own HLS does LL-HLS by itself.
 * `events`: `levels(levels)` once the master is parsed, `levelSwitched(level, index)`, `fatal(code, message)`,
 * `liveEnded()` once a live playlist ends (EXT-X-ENDLIST), `subtitleTracks([{name, lang}])` when the master's
 * subtitle tracks are known. Returns `{engine, hls?, setLevel(index), setSubtitleTrack(index), destroy()}`;
 * level -1 is automatic, subtitle track -1 is off.
 */
export function attachStream(video, src, events, options = { live: false }) {
  const Hls = globalThis.Hls;
  if (Hls?.isSupported()) return attachHlsJs(Hls, video, src, events, hlsConfig({ live: Boolean(options.live) }));
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src;
    // The browser picks renditions itself and names none: the menu keeps only Auto.
    video.addEventListener('loadedmetadata', () => events.levels([]), { once: true });
    video.addEventListener('ended', () => events.liveEnded?.(), { once: true });
    // Safari makes a TextTrack of each SUBTITLES rendition of the master.
    const subtitleTracks = () => [...video.textTracks].filter((track) => track.kind === 'subtitles' || track.kind === 'captions');
    video.textTracks.addEventListener('addtrack', () => events.subtitleTracks?.(subtitleTracks().map((track) => ({ name: track.label, lang: track.language }))));
    return {
      engine: 'native',
      setLevel() {},
      setSubtitleTrack(index) {
        subtitleTracks().forEach((track, at) => (track.mode = at === index ? 'showing' : 'disabled'));
      },
      destroy() {
        video.removeAttribute('src');
        video.load();
      },
    };
  }
  events.fatal('unsupported_browser', "This browser can't play HLS video. Try a current Chrome, Edge, Firefox or Safari.");
  return { engine: 'none', setLevel() {}, setSubtitleTrack() {}, destroy() {} };
}

function attachHlsJs(Hls, video, src, events, config) {
  const hls = new Hls(config);
  let recoveries = 0;
  hls.on(Hls.Events.MANIFEST_PARSED, () => events.levels(hls.levels));
  // hls.js makes its own initial choice (none: no track is DEFAULT) right after it announces the tracks, in the same
  // call; reported a task later, the viewer's remembered choice is applied after it and not undone.
  hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, (_event, data) => {
    const tracks = data.subtitleTracks.map((track) => ({ name: track.name, lang: track.lang }));
    setTimeout(() => events.subtitleTracks?.(tracks), 0);
  });
  hls.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => {
    const level = hls.levels[data.level];
    if (level) events.levelSwitched(level, data.level);
  });
  let wasLive = false;
  let targetSet = false;
  hls.on(Hls.Events.LEVEL_UPDATED, (_event, data) => {
    // Set once (setting it again would forget the stalls hls.js adds to it), and in this event, which hls.js sends
    // after it reads a playlist and before it chooses the first fragment to load: playback starts at the target.
    const target = config.lowLatencyMode && !targetSet ? standardLiveTargetLatency(data.details) : null;
    if (target !== null) {
      hls.targetLatency = target;
      targetSet = true;
    }
    if (data.details.live) wasLive = true;
    else if (wasLive) events.liveEnded?.();
  });
  hls.on(Hls.Events.FRAG_LOADED, () => {
    recoveries = 0;
  });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return; // hls.js retries these itself
    const code = `${data.type}:${data.details}`;
    if (recoveries < MAX_RECOVERIES && data.type === Hls.ErrorTypes.NETWORK_ERROR) {
      recoveries += 1;
      setTimeout(() => hls.startLoad(), 1000 * recoveries);
      return;
    }
    if (recoveries < MAX_RECOVERIES && data.type === Hls.ErrorTypes.MEDIA_ERROR) {
      recoveries += 1;
      hls.recoverMediaError();
      return;
    }
    hls.destroy();
    events.fatal(code, fatalMessage(data));
  });
  hls.loadSource(src);
  hls.attachMedia(video);
  return {
    engine: 'hls.js',
    hls,
    // nextLevel: a smooth switch after the fragment now playing (currentLevel would flush it and can stall while loading).
    setLevel(index) {
      hls.nextLevel = index;
    },
    // hls.js renders the chosen track's cues into a TextTrack of the video (the browser draws them).
    setSubtitleTrack(index) {
      hls.subtitleDisplay = index >= 0;
      hls.subtitleTrack = index;
    },
    destroy() {
      hls.destroy();
    },
  };
}

function fatalMessage(data) {
  const status = data.response?.code;
  if (status === 401 || status === 403) return 'This watch link has expired or is not valid here. Ask for a fresh link.';
  if (status === 409) return 'This video is not playable right now (still processing, or it failed). Reload the page in a moment.';
  if (status === 404) return "This video isn't available (yet). Please try again later.";
  if (data.type === 'networkError') return "We couldn't reach the video servers. Check your connection and reload the page.";
  return "Something went wrong while playing this video. Reload the page to try again.";
}

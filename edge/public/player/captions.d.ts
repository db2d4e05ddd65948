// Types for the workers-tier tests that import this browser module.
export interface SubtitleTrackLike { name?: string; lang?: string }
export interface CaptionChoice { off?: true; lang?: string; name?: string }
export interface RectLike { top: number; bottom: number; height: number }
export interface CueLike { line: number | 'auto'; snapToLines: boolean; lineAlign: string }
export const OFF: 'off';
export const CAPTIONS_STORAGE_KEY: string;
export function trackLabel(track: SubtitleTrackLike): string;
export function captionOptions(tracks: SubtitleTrackLike[]): Array<{ value: string; label: string }>;
export function readCaptionChoice(storage: Pick<Storage, 'getItem'> | null | undefined): CaptionChoice | null;
export function saveCaptionChoice(storage: Pick<Storage, 'setItem'> | null | undefined, track: SubtitleTrackLike | null): void;
export function chosenTrackIndex(tracks: SubtitleTrackLike[], choice: CaptionChoice | null): number;
export function liftedLinePercent(pictureRect: RectLike, overlayRect: RectLike | null): number | null;
export function placeCues(cues: Iterable<CueLike>, percent: number | null, originals: WeakMap<object, Pick<CueLike, 'line' | 'snapToLines' | 'lineAlign'>>): void;

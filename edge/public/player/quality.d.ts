// Types for the workers-tier tests that import this browser module.
export interface LevelLike { height?: number; name?: string; bitrate?: number }
export const AUTO: -1;
export function levelLabel(level: LevelLike): string;
export function qualityOptions(levels: LevelLike[]): Array<{ value: number; label: string }>;
export function autoLabel(currentLevel: LevelLike | undefined | null): string;

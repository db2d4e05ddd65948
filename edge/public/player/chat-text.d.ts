// Types for the workers-tier tests that import this browser module.
export function politeChatError(frame: { code: string; message?: string; retryAfterMs?: number }): string;
export function closeExplanation(code: number): { text: string; reconnect: boolean };
export function describeLiveEvent(event: { type: string }): string;
export function presenceText(count: number): string;
export function reconnectDelayMs(attempt: number, random?: () => number): number;

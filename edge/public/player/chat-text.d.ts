// Types for the workers-tier tests that import this browser module.
export function politeChatError(frame: { code: string; message?: string; retryAfterMs?: number }): string;
export function closeExplanation(code: number): { text: string; reconnect: boolean };
export function describeLiveEvent(event: { type: string; data?: Record<string, unknown> }): { kind: string; text: string };
export function welcomeState(frame: { canWrite: boolean; reason?: string }): { mode: 'message' | 'name' | 'read'; status: string };
export function guestNameProblem(raw: string): string | null;
export function presenceText(count: number): string;
export function reconnectDelayMs(attempt: number, random?: () => number): number;

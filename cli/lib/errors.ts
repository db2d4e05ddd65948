/** An error meant for the operator: one line saying what went wrong and what to do; no stack trace. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/** True when a fetch (or node:http) failure means nothing answered, rather than a bad answer. */
export function isUnreachable(error: unknown): boolean {
  for (let current = error as { code?: string; cause?: unknown; name?: string } | undefined, depth = 0; current && depth < 5; current = current.cause as typeof current, depth++) {
    if (current.code && unreachableCodes.has(current.code)) return true;
    if (current.name === 'TimeoutError') return true;
  }
  return false;
}

/** The hint for a server that does not answer; `what` is e.g. "the origin". */
export function unreachableMessage(what: string, url: string): string {
  return `cannot reach ${what} at ${url} — is \`npm start\` running? (\`vora doctor\` checks)`;
}

/** The text printed for any error: CliErrors (and other errors) on one line, the stack only when asked. */
export function describeError(error: unknown, verbose: boolean): string {
  const err = error instanceof Error ? error : new Error(String(error));
  if (verbose) return err.stack ?? err.message;
  return err.message.split('\n')[0]!.trim();
}

import type { z } from 'zod';

/** One readable line from a zod failure, e.g. `capacity: Too small: expected number to be >0; state: Invalid option`. */
export function describeIssues(error: z.core.$ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((issue) => {
    const where = issue.path.map(String).join('.') || '(root)';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > max ? ` (+${error.issues.length - max} more)` : '';
  return lines.join('; ') + more;
}

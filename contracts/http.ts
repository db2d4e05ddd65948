import { z } from 'zod';

/** Every non-2xx JSON answer of the edge (and origin): a stable machine code plus a sentence for people. */
export const ApiErrorBody = z.object({
  error: z.object({ code: z.string().min(1), message: z.string() }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import { describeIssues } from '../../../contracts/issues.ts';
import { EdgeError } from './errors.ts';

/** Validates a JSON body at the door; a failure is a 400 `invalid_body` naming the fields that are wrong. */
export function jsonBody<Schema extends z.ZodType>(schema: Schema) {
  return zValidator('json', schema, (result) => {
    if (!result.success) throw new EdgeError(400, 'invalid_body', describeIssues(result.error));
  });
}

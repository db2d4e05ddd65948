import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { describeIssues } from '../../../contracts/issues.ts';
import { ApiError } from './errors.ts';

/** zod validation at the door: a bad input is a 400 naming the field and the rule, in our error shape. */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) throw new ApiError(400, `invalid ${target}: ${describeIssues(result.error)}`);
  });
}

// Request validation with valibot: the same schema validates, types the handler and documents the
// route in /api/openapi.json. Failures become problem+json naming each bad field.
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import { validator } from 'hono-openapi';
import { issuesToFieldErrors, Problem } from './problem';

const TARGET_LABEL: Partial<Record<keyof ValidationTargets, string>> = { json: '', query: 'query', param: 'path', form: '' };

export function valid<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  return validator(target, schema, (result) => {
    if (!result.success) {
      const errors = issuesToFieldErrors(result.error as readonly StandardSchemaV1.Issue[], TARGET_LABEL[target] ?? String(target));
      throw new Problem(400, 'Invalid request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
    }
  });
}

// Request validation with valibot: the same schema validates, types the handler and documents the
// route in /api/openapi.json. Failures become problem+json naming each bad field.
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ValidationTargets } from 'hono';
import { validator } from 'hono-openapi';
import { issuesToFieldErrors, Problem } from './problem';

const TARGET_LABEL: Partial<Record<keyof ValidationTargets, string>> = { json: '', query: 'query', param: 'path', form: '' };

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * A JSON route's body in another media type is refused (415), not read as `{}`: a form or text/plain
 * post (which any site can make a browser send) must not pass as an empty JSON object. A request with
 * no body and no Content-Type still reads as `{}` (POST /x with nothing to say).
 */
export function refuseNonJson(req: Request): void {
  const type = req.headers.get('content-type');
  const media = type?.split(';')[0].trim() ?? '';
  if (JSON_TYPE.test(media)) return;
  const length = req.headers.get('content-length');
  const hasBody = req.body !== null && length !== '0';
  if (type === null && !hasBody) return;
  const message = `must be application/json${media ? `, not ${media.slice(0, 100)}` : ''}`;
  throw new Problem(415, 'Unsupported media type', `Content-Type: ${message}`, [{ field: 'Content-Type', message }]);
}

export function valid<S extends StandardSchemaV1, T extends keyof ValidationTargets>(target: T, schema: S) {
  return validator(target, schema, (result, c) => {
    if (target === 'json') refuseNonJson(c.req.raw);
    if (!result.success) {
      const errors = issuesToFieldErrors(result.error as readonly StandardSchemaV1.Issue[], TARGET_LABEL[target] ?? String(target));
      throw new Problem(400, 'Invalid request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
    }
  });
}

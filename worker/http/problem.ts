// RFC 9457 problem details: every error the API returns, naming the field when input was bad.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface FieldError {
  field: string;
  message: string;
}

export class Problem extends Error {
  /** Extra response headers (e.g. Retry-After on a 429). */
  headers?: Record<string, string>;

  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? title);
  }

  static badRequest(field: string, message: string): Problem {
    return new Problem(400, 'Invalid request', `${field}: ${message}`, [{ field, message }]);
  }
  static notFound(what: string): Problem {
    return new Problem(404, 'Not found', `${what} not found`);
  }
  static forbidden(detail = 'Your role does not allow this'): Problem {
    return new Problem(403, 'Forbidden', detail);
  }
  static unauthorized(detail = 'Authentication required'): Problem {
    return new Problem(401, 'Unauthorized', detail);
  }
  static conflict(detail: string, field?: string): Problem {
    return new Problem(409, 'Conflict', detail, field ? [{ field, message: detail }] : undefined);
  }
}

const TYPES: Record<number, string> = {
  400: 'invalid-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'too-many-requests',
};

export function problemResponse(p: Problem, instance?: string): Response {
  const body = {
    type: `https://parley.dev/problems/${TYPES[p.status] ?? 'error'}`,
    title: p.title,
    status: p.status,
    ...(p.detail ? { detail: p.detail } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
    ...(instance ? { instance } : {}),
  };
  return new Response(JSON.stringify(body), { status: p.status, headers: { ...p.headers, 'content-type': 'application/problem+json' } });
}

/** Standard Schema issues (valibot) → field errors with dotted paths. */
export function issuesToFieldErrors(issues: readonly { message: string; path?: readonly (PropertyKey | { key: PropertyKey })[] }[], prefix = ''): FieldError[] {
  return issues.map((issue) => {
    const path = (issue.path ?? []).map((seg) => String(typeof seg === 'object' && seg !== null ? seg.key : seg)).join('.');
    return { field: [prefix, path].filter(Boolean).join('.') || prefix || '(body)', message: issue.message };
  });
}

/**
 * The column a UNIQUE constraint failure names (`UNIQUE constraint failed: teams.workspace_id, teams.name`
 * → `name`), however wrapped (drizzle puts the D1 error in `cause`); null for any other error.
 */
export function uniqueViolationField(err: unknown): string | null {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const match = /UNIQUE constraint failed: ([\w.,\s]+)/i.exec(String((e as Error).message ?? e));
    if (match) return match[1].split(',').pop()!.trim().split('.').pop()!.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase());
  }
  return null;
}

export function onError(err: Error, c: Context): Response {
  if (err instanceof Problem) return problemResponse(err, new URL(c.req.url).pathname);
  // A uniqueness race or a check a route forgot: the caller's value is taken, which is a 409, not our failure.
  const taken = uniqueViolationField(err);
  if (taken) return problemResponse(Problem.conflict(`Another record already has this ${taken}`, taken), new URL(c.req.url).pathname);
  // Hono's own HTTP errors (e.g. body limit, malformed JSON) carry a status.
  const status = (err as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return problemResponse(new Problem(status as ContentfulStatusCode, err.message || 'Bad request'), new URL(c.req.url).pathname);
  }
  console.error('unhandled error', err);
  return problemResponse(new Problem(500, 'Internal error', 'Something went wrong on our side; nothing you sent was lost.'));
}

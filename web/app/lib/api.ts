// The one way the app talks to the REST API: JSON in and out, problem+json errors as ApiError,
// the session cookie for authentication, and a hook that sends the user to the login screen on 401.
export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }

  /** The message to show next to a form field, if the server named it. */
  field(name: string): string | undefined {
    return this.errors.find((e) => e.field === name)?.message;
  }

  /** Network failures and server errors are worth retrying; 4xx answers are not. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

interface RequestOptions {
  method?: string;
  query?: Query;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

let onUnauthorized: () => void = () => {};
/** Called when a request comes back 401 (the session expired or was revoked). */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(`/api${path}`, opts.query), { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body, signal: opts.signal, credentials: 'same-origin' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'Network error', 'Parley could not be reached. Check your connection.');
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/auth/login')) onUnauthorized();
    const p = (data ?? {}) as { title?: string; detail?: string; errors?: FieldError[] };
    throw new ApiError(res.status, p.title ?? res.statusText ?? 'Request failed', p.detail, p.errors ?? []);
  }
  return data as T;
}

/** A short human sentence for an error, for toasts and inline messages. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const first = err.errors[0];
    if (first) return `${err.title}: ${first.field} ${first.message}`;
    return err.detail ?? err.title;
  }
  return err instanceof Error ? err.message : String(err);
}

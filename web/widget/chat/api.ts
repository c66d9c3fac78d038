// The widget's REST calls (/widget/api/*). The frame is served from the same origin, so paths are
// relative and no CORS is involved.
import type { Message } from '../../../worker/conversations/model';
import type { Identity, PageVisit } from '../bridge';

export interface Inbox {
  id: string;
  name: string;
  greeting: string | null;
  color: string | null;
}

export interface Session {
  visitorToken: string;
  contactId: string;
  conversationId: string | null;
  inbox: Inbox;
  /** The team's business hours now (absent from older servers). */
  availability?: { open: boolean; nextOpenAt: number | null };
}

export interface MessagePage {
  conversationId: string | null;
  seq: number;
  items: Message[];
}

export interface SendResult {
  conversationId: string;
  message: Message;
  duplicate: boolean;
}

/** A failed call: `status` 0 means the request never got an answer (offline, timeout). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail || title);
  }
}

const TIMEOUT_MS = 15_000;

async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw new ApiError(0, 'No connection');
  }
  if (!res.ok) {
    // Errors are problem+json; anything else (a proxy's HTML page) falls back to the status text.
    const problem = (await res.json().catch(() => ({}))) as { title?: string; detail?: string };
    throw new ApiError(res.status, problem.title || res.statusText || 'Request failed', problem.detail);
  }
  return (await res.json()) as T;
}

export function createSession(
  websiteToken: string,
  visitorToken: string | null,
  identity: Identity,
  page: PageVisit | null = null,
): Promise<Session> {
  return call('POST', '/widget/api/session', null, {
    ...identity,
    ...(page ? { page } : {}),
    websiteToken,
    visitorToken: visitorToken ?? undefined,
  });
}

export function fetchMessages(visitorToken: string, after: number): Promise<MessagePage> {
  return call('GET', `/widget/api/messages?after=${after}`, visitorToken);
}

export function sendMessage(visitorToken: string, text: string, clientId: string): Promise<SendResult> {
  return call('POST', '/widget/api/messages', visitorToken, { text, clientId });
}

/** The signed link token of a survey sent to this visitor (the message itself names the survey only). */
export function fetchSurveyToken(visitorToken: string, surveyId: string): Promise<{ token: string }> {
  return call('GET', `/widget/api/csat/${encodeURIComponent(surveyId)}`, visitorToken);
}

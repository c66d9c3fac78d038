// Test helpers: requests through the real Worker (SELF) and fresh workspaces per test.
import { SELF } from 'cloudflare:test';

export const BASE = 'http://parley.test';

export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Res<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    if (typeof opts.body === 'string' || opts.body instanceof ArrayBuffer || opts.body instanceof Uint8Array) body = opts.body as BodyInit;
    else {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  const res = await SELF.fetch(`${BASE}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

let counter = 0;
export function unique(prefix = 'u'): string {
  return `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export interface Workspace {
  token: string;
  userId: string;
  workspaceId: string;
  email: string;
}

/** A new workspace with its manager, logged in. */
export async function newWorkspace(name = 'Test workspace'): Promise<Workspace> {
  const email = `${unique('mgr')}@example.com`;
  const res = await call('POST', '/api/auth/signup', { body: { workspaceName: name, name: 'Manager', email, password: 'correct horse battery' } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token, userId: res.body.user.id, workspaceId: res.body.user.workspaceId, email };
}

/** Adds a user with a role to the workspace and logs them in. */
export async function addUser(ws: Workspace, role: 'manager' | 'staff' | 'personal', teamIds: string[] = []) {
  const email = `${unique(role)}@example.com`;
  const created = await call('POST', '/api/users', { token: ws.token, body: { email, name: `${role} user`, password: 'correct horse battery', role, teamIds } });
  if (created.status !== 201) throw new Error(`add user failed: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await call('POST', '/api/auth/login', { body: { email, password: 'correct horse battery' } });
  return { token: login.body.token as string, userId: created.body.id as string, email };
}

/** A web chat inbox and a visitor session on it. */
export async function webchatInbox(ws: Workspace) {
  const inbox = await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'webchat', name: 'Site chat' } });
  if (inbox.status !== 201) throw new Error(`inbox failed: ${inbox.status} ${JSON.stringify(inbox.body)}`);
  return inbox.body as { id: string; websiteToken: string; config: { identitySecret: string } };
}

export async function visitor(websiteToken: string, extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/widget/api/session', { body: { websiteToken, ...extra } });
  if (res.status !== 200) throw new Error(`session failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { visitorToken: string; contactId: string; conversationId: string | null };
}

/** A visitor writes; returns the conversation id. */
export async function visitorSays(visitorToken: string, text: string, clientId = unique('c')) {
  const res = await call('POST', '/widget/api/messages', { token: visitorToken, body: { text, clientId } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`visitor message failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { conversationId: string; message: { id: string; seq: number }; duplicate: boolean };
}

/** Waits until a condition holds (the outbox projects asynchronously); no fixed sleeps. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

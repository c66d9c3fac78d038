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

/** A visitor session, from a client address of its own (new visitors are throttled per address and inbox). */
export async function visitor(websiteToken: string, extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/widget/api/session', { body: { websiteToken, ...extra }, headers: { 'cf-connecting-ip': freshIp() } });
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
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---- API test helpers (test/api) ----

let ipCounter = 0;
/** A client address of its own: logins from tests must not share the per-address login limit. */
export function freshIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

export const PASSWORD = 'correct horse battery';

/** Logs in from a fresh client address; returns the raw response. */
export function login(email: string, password = PASSWORD, ip = freshIp()) {
  return call('POST', '/api/auth/login', { body: { email, password }, headers: { 'cf-connecting-ip': ip } });
}

/** Like addUser, but logs in from a fresh client address (many users per suite stay under the per-address limit). */
export async function addMember(ws: Workspace, role: 'manager' | 'staff' | 'personal', teamIds: string[] = []) {
  const email = `${unique(role)}@example.com`;
  const created = await call('POST', '/api/users', { token: ws.token, body: { email, name: `${role} ${unique('n')}`, password: PASSWORD, role, teamIds } });
  if (created.status !== 201) throw new Error(`add user failed: ${created.status} ${JSON.stringify(created.body)}`);
  const res = await login(email);
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token as string, userId: created.body.id as string, email };
}

export async function createTeam(ws: Workspace, name = unique('team'), memberIds: string[] = []): Promise<string> {
  const res = await call('POST', '/api/teams', { token: ws.token, body: { name, memberIds } });
  if (res.status !== 201) throw new Error(`team failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** A contact reachable on web chat (so POST /api/conversations can write to it). */
export async function createContact(ws: Workspace, body: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/contacts', { token: ws.token, body: { name: unique('Contact '), identities: [{ channel: 'webchat', externalId: unique('ext') }], ...body } });
  if (res.status !== 201) throw new Error(`contact failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string | null; email: string | null; phone: string | null; tags: string[] };
}

/** A new web chat conversation: a fresh visitor writes `text`. */
export async function visitorConversation(websiteToken: string, text = 'Hello there', extra: Record<string, unknown> = {}) {
  const v = await visitor(websiteToken, extra);
  const said = await visitorSays(v.visitorToken, text);
  return { id: said.conversationId, contactId: v.contactId, visitorToken: v.visitorToken, message: said.message };
}

export function qs(query: Record<string, string | number | boolean | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export interface ListPage {
  items: { id: string; status: string; [k: string]: any }[];
  nextCursor: string | null;
  counts: Record<'open' | 'pending' | 'snoozed' | 'closed' | 'all', number>;
}

export async function listConversations(token: string, query: Record<string, string | number | boolean | undefined> = {}): Promise<Res<ListPage>> {
  return call<ListPage>('GET', `/api/conversations${qs(query)}`, { token });
}

/** Ids of a list query, waiting until the (asynchronous) projection satisfies `ready`. */
export async function listWhen(token: string, query: Record<string, string | number | boolean | undefined>, ready: (page: ListPage) => boolean, timeoutMs = 15_000): Promise<ListPage> {
  let last: Res<ListPage> | undefined;
  try {
    return await eventually(async () => {
      last = await listConversations(token, query);
      return last.status === 200 && ready(last.body) ? last.body : null;
    }, timeoutMs);
  } catch (err) {
    throw new Error(`list ${JSON.stringify(query)} never became ready; last: ${last?.status} ${JSON.stringify(last?.body)?.slice(0, 2000)}`, { cause: err });
  }
}

/** Same members, any order. */
export function sameIds(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/**
 * Asserts an RFC 9457 problem response with `status`; when `field` is given, that `errors[]` names it
 * (a string matches exactly or as the last dotted segment, e.g. 'limit' matches 'query.limit').
 */
export function expectProblem(res: Res, status: number, field?: string | RegExp): void {
  const where = `${res.status} ${JSON.stringify(res.body)}`;
  if (res.status !== status) throw new Error(`expected ${status}, got ${where}`);
  if (!res.headers.get('content-type')?.startsWith('application/problem+json')) throw new Error(`expected application/problem+json, got ${res.headers.get('content-type')}: ${where}`);
  if (res.body?.status !== status || typeof res.body?.title !== 'string') throw new Error(`not a problem body: ${where}`);
  if (field === undefined) return;
  const fields: string[] = (res.body.errors ?? []).map((e: { field: string }) => e.field);
  const ok = fields.some((f) => (typeof field === 'string' ? f === field || f.endsWith(`.${field}`) : field.test(f)));
  if (!ok) throw new Error(`expected errors[] to name ${String(field)}, got [${fields.join(', ')}]: ${where}`);
}

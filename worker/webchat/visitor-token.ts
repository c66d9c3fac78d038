// Web chat visitor tokens: a signed claim that the bearer is one contact of one inbox. They last 30
// days and are re-issued by every session request (each page load of a chatting visitor), so a visitor
// who comes back within a month keeps their conversation. A token is good only while:
//  - its contact's generation (contacts.widget_session_epoch) is the one it was issued under: bumping
//    the generation revokes every token of the contact (POST /api/contacts/:id/widget-sessions/revoke);
//  - an unverified token's contact has not been merged, in either direction, since the token was
//    issued: the name and e-mail an anonymous visitor typed prove nothing, so a merge (an agent's
//    judgement about people) must not hand the bearer another contact's conversations. A verified
//    token (the site vouched for the user id with its identity secret) follows the merge.
import { sign, verify } from 'hono/jwt';

export interface VisitorClaims {
  typ: 'visitor';
  ws: string;
  inb: string;
  /** The contact the token was issued for (never rewritten by a merge). */
  ct: string;
  /** Issued through identity verification (identifier + identifierHash). */
  vf: boolean;
  /** The contact's widget_session_epoch when issued. */
  gen: number;
  iat: number;
}

export const VISITOR_TOKEN_TTL_S = 30 * 24 * 3600;

function secret(env: Env): string {
  return `${env.JWT_SECRET}:visitor`;
}

/**
 * Tokens whose signature this isolate has checked or made, with their payload: a visitor's next
 * request skips the key import and HMAC (every request carries the token; the session that issued it
 * usually ran here). Only the signature is remembered: expiry is checked on every read, and whether
 * the token still stands is D1's word (tokenStanding). Keyed with the secret, so a new secret checks afresh.
 */
const checked = new Map<string, Record<string, unknown>>();
const CHECKED_MAX = 10_000;

function remember(key: string, payload: Record<string, unknown>): void {
  if (checked.size >= CHECKED_MAX) checked.clear();
  checked.set(key, payload);
}

export async function signVisitor(env: Env, claims: Omit<VisitorClaims, 'typ' | 'iat'>, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  const payload = { typ: 'visitor', ...claims, iat, exp: iat + VISITOR_TOKEN_TTL_S };
  const token = await sign(payload, secret(env), 'HS256');
  remember(`${secret(env)}\n${token}`, payload);
  return token;
}

/** The token's payload if its signature is good (remembered, or checked now: hono's verify, which also checks exp). */
async function verified(env: Env, token: string): Promise<Record<string, unknown>> {
  const key = `${secret(env)}\n${token}`;
  const hit = checked.get(key);
  if (hit) {
    // As hono's verify would on a fresh check (our tokens carry no nbf, and their iat was checked when remembered).
    if (typeof hit.exp === 'number' && hit.exp <= Math.floor(Date.now() / 1000)) throw new Error('expired');
    return hit;
  }
  const raw = (await verify(token, secret(env), 'HS256')) as Record<string, unknown>;
  remember(key, raw);
  return raw;
}

/**
 * The claims of a well-signed, unexpired token, or null. Tokens from before generations and
 * verification were recorded (365-day ones) read as unverified, generation 0, and end 30 days after issue.
 */
export async function readVisitor(env: Env, token: string | null | undefined, now = Date.now()): Promise<VisitorClaims | null> {
  if (!token) return null;
  try {
    const raw = await verified(env, token);
    if (raw.typ !== 'visitor' || typeof raw.ct !== 'string' || typeof raw.ws !== 'string' || typeof raw.inb !== 'string') return null;
    const iat = typeof raw.iat === 'number' ? raw.iat : 0;
    if ((iat + VISITOR_TOKEN_TTL_S) * 1000 <= now) return null;
    return { typ: 'visitor', ws: raw.ws, inb: raw.inb, ct: raw.ct, vf: raw.vf === true, gen: typeof raw.gen === 'number' ? raw.gen : 0, iat };
  } catch {
    return null;
  }
}

/** What the token's contact row says about it. */
export interface TokenContact {
  merged_into: string | null;
  widget_session_epoch: number;
  /** The latest time another contact was merged INTO this one (null: never). */
  absorbed_at: number | null;
}

/** SQL for TokenContact.absorbed_at of contact alias `c`. */
export const ABSORBED_AT_SQL = `(SELECT max(x.created_at) FROM contact_merges x WHERE x.workspace_id = c.workspace_id AND x.target_id = c.id) AS absorbed_at`;

/** Whether the token still stands (see the top of this file), and why not. */
export function tokenStanding(claims: Pick<VisitorClaims, 'vf' | 'gen' | 'iat'>, contact: TokenContact | null): 'ok' | 'unknown' | 'revoked' | 'merged' {
  if (!contact) return 'unknown';
  if (contact.widget_session_epoch !== claims.gen) return 'revoked';
  if (contact.merged_into && !claims.vf) return 'merged';
  // Nor may a merge INTO the token's contact widen an unverified token: it was issued for what the
  // contact held then, and now the contact holds someone else's conversations.
  if (!claims.vf && contact.absorbed_at !== null && contact.absorbed_at >= claims.iat * 1000) return 'merged';
  return 'ok';
}

/**
 * Revokes every visitor token of a contact and of the contacts merged into it (verified tokens of
 * those follow the merge here). Open visitor sockets are not closed by this.
 */
export async function revokeVisitorTokens(db: D1Database, workspaceId: string, contactId: string): Promise<boolean> {
  const res = await db
    .prepare(`UPDATE contacts SET widget_session_epoch = widget_session_epoch + 1 WHERE workspace_id = ?1 AND (id = ?2 OR merged_into = ?2)`)
    .bind(workspaceId, contactId)
    .run();
  return res.meta.changes > 0;
}

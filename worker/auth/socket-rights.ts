// Whether an open socket's holder still has the rights that opened it: the agent's credential is
// still valid and its user enabled, the visitor's contact is not blocked. Checked by the socket's
// object on every frame that writes (a reply, a note, a read position, typing), so a right that
// ended is refused even when no revocation reached the object (an expired session, a push that
// failed). Verdicts are cached per object for a few seconds, as the Worker caches principals: one
// D1 read per credential per TTL, not per frame; a pushed revocation replaces the verdict at once.
import { CLOSE, type CloseCode, type SocketAuthor } from '../conversations/socket-protocol';
import { Problem, problemResponse } from '../http/problem';

const TTL_MS = 5_000;
const MAX_ENTRIES = 1_000;

/** The key a verdict is cached under: the credential for agents, the contact for visitors. */
export function rightsKey(who: { kind: 'agent'; credentialId: string } | { kind: 'visitor'; contactId: string }): string {
  return who.kind === 'agent' ? `cred:${who.credentialId}` : `contact:${who.contactId}`;
}

export class SocketRights {
  #verdicts = new Map<string, { until: number; verdict: Promise<CloseCode | null> }>();

  constructor(private readonly db: D1Database) {}

  /**
   * Null while the holder may write; else the close code that ends the socket. Concurrent frames share
   * one lookup (and so keep their order: they resume in the order they asked). `fresh` (a socket being
   * opened: the Worker's principal may be a few seconds old) always asks D1.
   */
  check(who: SocketAuthor, opts: { fresh?: boolean } = {}): Promise<CloseCode | null> {
    // Opening is rare: asked of D1 each time, and not kept (frames right after still look for themselves).
    if (opts.fresh) return lookup(this.db, who).catch((err) => (console.warn(`socket rights check failed: ${String(err)}`), null));
    const key = rightsKey(who);
    const now = Date.now();
    const hit = this.#verdicts.get(key);
    if (hit && hit.until > now) return hit.verdict;
    if (this.#verdicts.size >= MAX_ENTRIES) this.#verdicts.clear();
    const verdict = lookup(this.db, who).catch((err) => {
      // An unreadable D1 is not a revocation: let the frame through, ask again next time.
      console.warn(`socket rights check failed: ${String(err)}`);
      this.#verdicts.delete(key);
      return null;
    });
    this.#verdicts.set(key, { until: now + TTL_MS, verdict });
    return verdict;
  }

  /** A revocation pushed to the object: frames already waiting on a check see it too. */
  deny(key: string, code: CloseCode): void {
    this.#verdicts.set(key, { until: Date.now() + TTL_MS, verdict: Promise.resolve(code) });
  }
}

/** The answer to an upgrade whose rights ended while it was being opened (the close code as an HTTP status). */
export function refusedUpgrade(code: CloseCode): Response {
  if (code === CLOSE.sessionRevoked) return problemResponse(Problem.unauthorized('The token is invalid, expired or revoked'));
  if (code === CLOSE.forbidden) return problemResponse(Problem.forbidden('You may no longer open this socket'));
  return problemResponse(Problem.conflict('Your role or teams changed while the socket opened: connect again'));
}

async function lookup(db: D1Database, who: SocketAuthor): Promise<CloseCode | null> {
  if (who.kind === 'visitor') {
    const row = await db.prepare(`SELECT blocked FROM contacts WHERE id = ? AND workspace_id = ?`).bind(who.contactId, who.workspaceId).first<{ blocked: number }>();
    return !row || row.blocked ? CLOSE.forbidden : null;
  }
  const row: { disabled: number; scopes?: string } | null =
    who.via === 'session'
      ? await db
          .prepare(`SELECT u.disabled FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.user_id = ? AND s.expires_at > ?`)
          .bind(who.credentialId, who.userId, Date.now())
          .first<{ disabled: number }>()
      : await db
          .prepare(
            `SELECT u.disabled, k.scopes FROM api_keys k JOIN users u ON u.id = k.user_id
             WHERE k.id = ? AND k.user_id = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)`,
          )
          .bind(who.credentialId, who.userId, Date.now())
          .first<{ disabled: number; scopes?: string }>();
  if (!row) return CLOSE.sessionRevoked;
  // Socket frames write (replies, read positions, presence): a key made to read only uses REST.
  if (row.scopes !== undefined && !(JSON.parse(row.scopes) as string[]).includes('write')) return CLOSE.forbidden;
  return row.disabled ? CLOSE.forbidden : null;
}

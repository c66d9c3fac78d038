// Whether an open socket's holder still has the rights that opened it: the agent's credential is
// still valid, its user enabled and its role and teams the ones the socket sees by; the visitor's
// contact is not blocked and their token not revoked or merged away. Checked by the socket's
// object on every frame that writes (a reply, a note, a read position, typing), so a right that
// ended is refused even when no revocation reached the object (an expired session, a push that
// failed). Verdicts are cached per object for a few seconds, as the Worker caches principals: one
// D1 read per credential per TTL, not per frame; a pushed revocation replaces the verdict at once.
import { CLOSE, type CloseCode, type SocketAuthor } from '../conversations/socket-protocol';
import { Problem, problemResponse } from '../http/problem';
import { ABSORBED_AT_SQL, tokenStanding, type TokenContact } from '../webchat/visitor-token';

const TTL_MS = 5_000;
const MAX_ENTRIES = 1_000;

/** The key a verdict is cached under: the credential for agents, the contact for visitors. */
export function rightsKey(who: { kind: 'agent'; credentialId: string } | { kind: 'visitor'; contactId: string }): string {
  return who.kind === 'agent' ? `cred:${who.credentialId}` : `contact:${who.contactId}`;
}

/**
 * What D1 says about a holder now. For agents the current role and teams too: a socket opened with
 * other rights (a role change whose revocation raced the reconnect) must reconnect to see by the new ones.
 */
interface Facts {
  code: CloseCode | null;
  role?: string;
  teams?: string;
}

export class SocketRights {
  #facts = new Map<string, { until: number; facts: Promise<Facts> }>();

  constructor(private readonly db: D1Database) {}

  /**
   * Null while the holder may write; else the close code that ends the socket. Concurrent frames share
   * one lookup (and so keep their order: they resume in the order they asked). `fresh` (a socket being
   * opened: the Worker's principal may be a few seconds old) always asks D1.
   */
  async check(who: SocketAuthor, opts: { fresh?: boolean } = {}): Promise<CloseCode | null> {
    // Opening is rare: asked of D1 each time, and not kept (frames right after still look for themselves).
    if (opts.fresh) return judge(who, await lookup(this.db, who).catch((err) => (console.warn(`socket rights check failed: ${String(err)}`), { code: null })));
    const key = rightsKey(who);
    const now = Date.now();
    let hit = this.#facts.get(key);
    if (!hit || hit.until <= now) {
      if (this.#facts.size >= MAX_ENTRIES) this.#facts.clear();
      const facts = lookup(this.db, who).catch((err): Facts => {
        // An unreadable D1 is not a revocation: let the frame through, ask again next time.
        console.warn(`socket rights check failed: ${String(err)}`);
        this.#facts.delete(key);
        return { code: null };
      });
      hit = { until: now + TTL_MS, facts };
      this.#facts.set(key, hit);
    }
    return judge(who, await hit.facts);
  }

  /** A revocation pushed to the object: frames already waiting on a check see it too. */
  deny(key: string, code: CloseCode): void {
    this.#facts.set(key, { until: Date.now() + TTL_MS, facts: Promise.resolve({ code }) });
  }
}

const teamKey = (ids: readonly string[]) => [...ids].sort().join(',');

function judge(who: SocketAuthor, f: Facts): CloseCode | null {
  if (f.code !== null) return f.code;
  if (who.kind === 'agent' && f.role !== undefined && (f.role !== who.role || f.teams !== teamKey(who.teamIds))) return CLOSE.rightsChanged;
  return null;
}

/** The answer to an upgrade whose rights ended while it was being opened (the close code as an HTTP status). */
export function refusedUpgrade(code: CloseCode): Response {
  if (code === CLOSE.sessionRevoked) return problemResponse(Problem.unauthorized('The token is invalid, expired or revoked'));
  if (code === CLOSE.forbidden) return problemResponse(Problem.forbidden('You may no longer open this socket'));
  return problemResponse(Problem.conflict('Your role or teams changed while the socket opened: connect again'));
}

async function lookup(db: D1Database, who: SocketAuthor): Promise<Facts> {
  if (who.kind === 'visitor') {
    const token = who.token;
    // The contact written as must not be blocked; the token's own contact still issues it: same
    // generation (not revoked) and, for an unverified token, not merged away (visitor-token.ts).
    const rows = await db
      .prepare(`SELECT c.id, c.blocked, c.merged_into, c.widget_session_epoch, ${ABSORBED_AT_SQL} FROM contacts c WHERE c.workspace_id = ?1 AND c.id IN (?2, ?3)`)
      .bind(who.workspaceId, who.contactId, token?.contactId ?? who.contactId)
      .all<{ id: string; blocked: number } & TokenContact>();
    const writer = rows.results.find((r) => r.id === who.contactId);
    if (!writer || writer.blocked) return { code: CLOSE.forbidden };
    const issuer = rows.results.find((r) => r.id === (token?.contactId ?? who.contactId));
    if (token && tokenStanding({ vf: token.verified, gen: token.gen, iat: token.iat }, issuer ?? null) !== 'ok') return { code: CLOSE.sessionRevoked };
    return { code: null };
  }
  const teams = `(SELECT group_concat(team_id) FROM team_members WHERE user_id = u.id) AS team_ids`;
  const row: { disabled: number; role: string; team_ids: string | null; scopes?: string } | null =
    who.via === 'session'
      ? await db
          .prepare(`SELECT u.disabled, u.role, ${teams} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.user_id = ? AND s.expires_at > ?`)
          .bind(who.credentialId, who.userId, Date.now())
          .first()
      : await db
          .prepare(
            `SELECT u.disabled, u.role, ${teams}, k.scopes FROM api_keys k JOIN users u ON u.id = k.user_id
             WHERE k.id = ? AND k.user_id = ? AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)`,
          )
          .bind(who.credentialId, who.userId, Date.now())
          .first();
  if (!row) return { code: CLOSE.sessionRevoked };
  if (row.disabled) return { code: CLOSE.forbidden };
  // Socket frames write (replies, read positions, presence): a key made to read only uses REST.
  if (row.scopes !== undefined && !(JSON.parse(row.scopes) as string[]).includes('write')) return { code: CLOSE.forbidden };
  return { code: null, role: row.role, teams: teamKey(row.team_ids ? row.team_ids.split(',') : []) };
}

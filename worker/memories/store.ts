// Contact memories in D1. A contact's memories include those of contacts merged into it. Extracted
// memories update their own row (same key) but never an agent's edit, and never come back once an
// agent deleted them (the row stays as a tombstone).
import { newId } from '../db/ids';
import type { WorkspaceScope } from '../db/scope';
import { textKey, type Memory, type MemoryCandidate, type MemoryType } from './model';

interface Row {
  id: string;
  contact_id: string;
  type: MemoryType;
  text: string;
  source_conversation_id: string | null;
  source_message_id: string | null;
  origin: Memory['origin'];
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export function memoryFrom(r: Row): Memory {
  return {
    id: r.id,
    contactId: r.contact_id,
    type: r.type,
    text: r.text,
    source: { conversationId: r.source_conversation_id, messageId: r.source_message_id },
    origin: r.origin,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const COLUMNS = 'id, contact_id, type, text, source_conversation_id, source_message_id, origin, created_by, created_at, updated_at';

/** The statement reading a contact's memories (merged contacts' too), newest first; for batching. */
export function memoriesStatement(scope: WorkspaceScope, contactId: string, limit = 100): D1PreparedStatement {
  return scope.prepare(
    `SELECT ${COLUMNS} FROM contact_memories
     WHERE workspace_id = ?1 AND deleted_at IS NULL AND (contact_id = ?2 OR contact_id IN (SELECT id FROM contacts WHERE workspace_id = ?1 AND merged_into = ?2))
     ORDER BY updated_at DESC LIMIT ?3`,
    contactId,
    limit,
  );
}

export function memoriesFrom(rows: unknown[]): Memory[] {
  return (rows as Row[]).map(memoryFrom);
}

export async function listMemories(scope: WorkspaceScope, contactId: string): Promise<Memory[]> {
  return memoriesFrom((await memoriesStatement(scope, contactId).all()).results);
}

export async function findMemory(scope: WorkspaceScope, contactId: string, id: string): Promise<Memory | null> {
  const r = await scope
    .prepare(
      `SELECT ${COLUMNS} FROM contact_memories WHERE workspace_id = ?1 AND id = ?3 AND deleted_at IS NULL
       AND (contact_id = ?2 OR contact_id IN (SELECT id FROM contacts WHERE workspace_id = ?1 AND merged_into = ?2))`,
      contactId,
      id,
    )
    .first<Row>();
  return r ? memoryFrom(r) : null;
}

export interface NewMemory {
  type: MemoryType;
  text: string;
  conversationId: string | null;
  messageId: string | null;
  origin: 'agent' | 'api';
  createdBy: string | null;
}

/** An agent's memory. Writing one the contact already has (same words) revives or refreshes that row. */
export async function createMemory(scope: WorkspaceScope, contactId: string, m: NewMemory, now = Date.now()): Promise<Memory> {
  const row = await scope
    .prepare(
      `INSERT INTO contact_memories (id, workspace_id, contact_id, type, text, key, source_conversation_id, source_message_id, origin, created_by, created_at, updated_at, deleted_at)
       VALUES (?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, NULL)
       ON CONFLICT (workspace_id, contact_id, key) DO UPDATE SET type = excluded.type, text = excluded.text, origin = excluded.origin,
         source_conversation_id = coalesce(excluded.source_conversation_id, source_conversation_id), source_message_id = coalesce(excluded.source_message_id, source_message_id),
         created_by = excluded.created_by, updated_at = excluded.updated_at, deleted_at = NULL
       RETURNING ${COLUMNS}`,
      newId('mem', now),
      contactId,
      m.type,
      m.text,
      `note:${textKey(m.text)}`,
      m.conversationId,
      m.messageId,
      m.origin,
      m.createdBy,
      now,
    )
    .first<Row>();
  return memoryFrom(row!);
}

/** An edit makes the memory the team's: extraction no longer rewrites it. */
export async function updateMemory(scope: WorkspaceScope, id: string, patch: { type?: MemoryType; text?: string }, by: string | null, now = Date.now()): Promise<Memory | null> {
  const row = await scope
    .prepare(
      `UPDATE contact_memories SET type = coalesce(?3, type), text = coalesce(?4, text), origin = 'agent', created_by = coalesce(created_by, ?5), updated_at = ?6
       WHERE workspace_id = ?1 AND id = ?2 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
      id,
      patch.type ?? null,
      patch.text ?? null,
      by,
      now,
    )
    .first<Row>();
  return row ? memoryFrom(row) : null;
}

export async function deleteMemory(scope: WorkspaceScope, id: string, now = Date.now()): Promise<boolean> {
  const r = await scope.prepare(`UPDATE contact_memories SET deleted_at = ?3, updated_at = ?3 WHERE workspace_id = ?1 AND id = ?2 AND deleted_at IS NULL`, id, now).run();
  return (r.meta.changes ?? 0) > 0;
}

/**
 * What the extractor found in a closed conversation, in one batch. Same key: the newer words replace
 * an extracted row's; an agent's row and a deleted one stay as they are. Idempotent.
 */
export async function saveExtracted(scope: WorkspaceScope, contactId: string, conversationId: string, found: MemoryCandidate[], now = Date.now()): Promise<void> {
  if (found.length === 0) return;
  const stmts = found.map((c) =>
    scope.prepare(
      `INSERT INTO contact_memories (id, workspace_id, contact_id, type, text, key, source_conversation_id, source_message_id, origin, created_by, created_at, updated_at)
       VALUES (?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, 'extracted', NULL, ?9, ?9)
       ON CONFLICT (workspace_id, contact_id, key) DO UPDATE SET type = excluded.type, text = excluded.text, source_conversation_id = excluded.source_conversation_id,
         source_message_id = excluded.source_message_id, updated_at = excluded.updated_at
       WHERE contact_memories.origin = 'extracted' AND contact_memories.deleted_at IS NULL AND contact_memories.text <> excluded.text`,
      newId('mem', now),
      contactId,
      c.type,
      c.text,
      c.key,
      conversationId,
      c.messageId,
      now,
    ),
  );
  await scope.d1.batch(stmts);
}

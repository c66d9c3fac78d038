// /api/contacts/:id/memories: what the team remembers about a customer. Anyone who can reach the
// contact reads and edits them (they are the team's shared notes); an edit makes an extracted memory
// the team's, a delete keeps extraction from bringing it back.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireContactReach } from '../contacts/reach';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { MAX_MEMORY_TEXT, MEMORY_TYPES } from './model';
import { createMemory, deleteMemory, findMemory, listMemories, updateMemory } from './store';

const Type = v.picklist(MEMORY_TYPES, `must be one of ${MEMORY_TYPES.join(', ')}`);
const Text = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_MEMORY_TEXT, `at most ${MAX_MEMORY_TEXT} characters`));
const Source = v.object({ conversationId: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(100)))), messageId: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(100)))) });
const CreateBody = v.object({ type: Type, text: Text, source: v.optional(Source) });
const PatchBody = v.object({ type: v.optional(Type), text: v.optional(Text) });

export const memoryRoutes = new Hono<AppEnv>();

memoryRoutes.get('/:id/memories', describeRoute({ tags: ['contacts'], summary: "What the team remembers about a contact (merged contacts' too), newest first" }), requireContactReach, async (c) => {
  return c.json({ items: await listMemories(c.get('scope'), c.req.param('id')) });
});

memoryRoutes.post('/:id/memories', describeRoute({ tags: ['contacts'], summary: 'Remember something about a contact' }), requireContactReach, valid('json', CreateBody), async (c) => {
  const scope = c.get('scope');
  const p = c.get('principal');
  const contactId = c.req.param('id');
  const body = c.req.valid('json');
  const conversationId = body.source?.conversationId ?? null;
  const messageId = body.source?.messageId ?? null;
  if (messageId && !conversationId) throw Problem.badRequest('source.conversationId', 'is required with source.messageId');
  if (conversationId) {
    // The source must be one of this contact's conversations (or a merged contact's), in this workspace.
    const own = await scope
      .prepare(
        `SELECT 1 FROM conversations WHERE workspace_id = ?1 AND id = ?2 AND (contact_id = ?3 OR contact_id IN (SELECT id FROM contacts WHERE workspace_id = ?1 AND merged_into = ?3))`,
        conversationId,
        contactId,
      )
      .first();
    if (!own) throw Problem.badRequest('source.conversationId', "is not one of this contact's conversations");
  }
  const memory = await createMemory(scope, contactId, { type: body.type, text: body.text, conversationId, messageId, origin: p.via === 'api_key' ? 'api' : 'agent', createdBy: p.userId });
  return c.json(memory, 201);
});

memoryRoutes.patch('/:id/memories/:memoryId', describeRoute({ tags: ['contacts'], summary: 'Edit a memory (it becomes the team’s: extraction no longer rewrites it)' }), requireContactReach, valid('json', PatchBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const existing = await findMemory(scope, c.req.param('id'), c.req.param('memoryId'));
  if (!existing) throw Problem.notFound('Memory');
  const memory = await updateMemory(scope, existing.id, body, c.get('principal').userId);
  if (!memory) throw Problem.notFound('Memory');
  return c.json(memory);
});

memoryRoutes.delete('/:id/memories/:memoryId', describeRoute({ tags: ['contacts'], summary: 'Forget a memory (extraction will not bring it back)' }), requireContactReach, async (c) => {
  const scope = c.get('scope');
  const existing = await findMemory(scope, c.req.param('id'), c.req.param('memoryId'));
  if (!existing || !(await deleteMemory(scope, existing.id))) throw Problem.notFound('Memory');
  return c.body(null, 204);
});

// Validation of a workflow document on save. Three layers, each answering problem+json whose errors
// name the JSON pointer of the bad node (`/steps/2/then/0/params/teamId`):
//   1. shape (valibot, strict: unknown fields, unknown step types and actions, bad values);
//   2. structure (pure): empty branches, nesting deeper than MAX_DEPTH, more than MAX_STEPS steps,
//      condition fields that do not exist, ops without the value they need, invalid patterns;
//   3. references (D1): teams, users, inboxes and escalation paths must exist in this workspace.
import * as v from 'valibot';
import { existingIds } from '../db/ordering';
import type { WorkspaceScope } from '../db/scope';
import { Problem, type FieldError } from '../http/problem';
import { checkFields } from '../replies/merge-fields';
import { scheduleErrors } from './schedule';
import { CONDITION_FIELDS, pointerOf, VAR_FIELD, type Condition, type Step, type WorkflowDocument } from './document';

/** How deep branches may nest (if inside parallel inside wait_for_reply…): the editor stays readable, step names short. */
export const MAX_DEPTH = 8;
/** Steps in one document, counting every nested one. */
export const MAX_STEPS = 200;

export function invalid(errors: FieldError[]): Problem {
  return new Problem(400, 'Invalid workflow', errors.map((e) => `${e.field || '/'}: ${e.message}`).join('; '), errors);
}

/** Layer 1: the shape, as valibot issues turned into pointers. */
export function parseShape<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const res = v.safeParse(schema, input);
  if (res.success) return res.output;
  throw invalid(res.issues.map((i) => ({ field: pointerOf(i.path as { key: unknown }[] | undefined) || '/', message: i.message })));
}

interface Refs {
  teams: Map<string, string>;
  users: Map<string, string>;
  inboxes: Map<string, string>;
  paths: Map<string, string>;
  templates: Map<string, string>;
  replies: Map<string, string>;
  audiences: Map<string, string>;
}

/** Layer 2: structure. Returns the errors and, by pointer, every id the document names (for layer 3). */
export function checkStructure(doc: Pick<WorkflowDocument, 'steps' | 'trigger'>): { errors: FieldError[]; refs: Refs; count: number } {
  const errors: FieldError[] = [];
  const refs: Refs = { teams: new Map(), users: new Map(), inboxes: new Map(), paths: new Map(), templates: new Map(), replies: new Map(), audiences: new Map() };
  let count = 0;
  const err = (field: string, message: string) => errors.push({ field, message });

  const trigger = doc.trigger as { type: string; inboxIds?: string[] };
  trigger.inboxIds?.forEach((id, i) => refs.inboxes.set(`/trigger/inboxIds/${i}`, id));
  if (doc.trigger.type === 'segment.matched') refs.audiences.set('/trigger/audienceId', doc.trigger.audienceId);
  if (doc.trigger.type === 'schedule') for (const e of scheduleErrors(doc.trigger)) err(e.field, e.message);

  const condition = (c: Condition, at: string, depth: number) => {
    if (depth > MAX_DEPTH * 2) return err(at, `conditions nest deeper than ${MAX_DEPTH * 2} levels`);
    if ('all' in c && c.all) return c.all.forEach((x, i) => condition(x, `${at}/all/${i}`, depth + 1));
    if ('any' in c && c.any) return c.any.forEach((x, i) => condition(x, `${at}/any/${i}`, depth + 1));
    if ('not' in c && c.not) return condition(c.not, `${at}/not`, depth + 1);
    const { field, op, value } = c as { field?: string; op?: string; value?: unknown };
    if (field === undefined) return err(`${at}/field`, 'is required');
    if (op === undefined) return err(`${at}/op`, 'is required');
    if (!(CONDITION_FIELDS as readonly string[]).includes(field) && !/^contact\.attributes\.[A-Za-z0-9_-]{1,100}$/.test(field) && !VAR_FIELD.test(field)) {
      err(`${at}/field`, `unknown field (use ${CONDITION_FIELDS.join(', ')}, contact.attributes.<key> or vars.<name>)`);
    }
    if (op !== 'is_set' && op !== 'is_empty' && value === undefined) err(`${at}/value`, `is required for op ${op}`);
    if ((op === 'in' || op === 'not_in') && value !== undefined && !Array.isArray(value)) err(`${at}/value`, `must be a list for op ${op}`);
    if ((op === 'gt' || op === 'lt') && value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) err(`${at}/value`, `must be a number for op ${op}`);
    if (op === 'matches') {
      if (typeof value !== 'string') err(`${at}/value`, 'must be a regular expression');
      else {
        try {
          new RegExp(value);
        } catch {
          err(`${at}/value`, 'is not a valid regular expression');
        }
      }
    }
  };

  const branch = (steps: Step[], at: string, depth: number, required: boolean) => {
    if (depth > MAX_DEPTH) return err(at, `steps nest deeper than ${MAX_DEPTH} levels`);
    if (steps.length === 0 && required) return err(at, 'an empty branch does nothing: add a step or remove the branch');
    steps.forEach((s, i) => step(s, `${at}/${i}`, depth));
  };

  const step = (s: Step, at: string, depth: number) => {
    count++;
    switch (s.type) {
      case 'if':
        condition(s.when, `${at}/when`, 0);
        branch(s.then, `${at}/then`, depth + 1, s.else === undefined || s.else.length === 0);
        if (s.else !== undefined) branch(s.else, `${at}/else`, depth + 1, true);
        break;
      case 'parallel':
        s.branches.forEach((b, i) => branch(b, `${at}/branches/${i}`, depth + 1, true));
        break;
      case 'wait_until':
        if ((s.at === undefined) === (s.businessHours === undefined)) err(at, 'give exactly one of at or businessHours');
        break;
      case 'wait_for_reply':
        if (s.onReply !== undefined) branch(s.onReply, `${at}/onReply`, depth + 1, true);
        if (s.onTimeout !== undefined) branch(s.onTimeout, `${at}/onTimeout`, depth + 1, true);
        break;
      case 'action': {
        const p = s.params as Record<string, unknown>;
        const ref = (kind: keyof Refs, key: string) => {
          if (typeof p[key] === 'string') refs[kind].set(`${at}/params/${key}`, p[key] as string);
        };
        if (s.action === 'assign') {
          if (s.params.to === 'agent' && !s.params.userId) err(`${at}/params/userId`, 'is required to assign to an agent');
          if (s.params.to === 'team' && !s.params.teamId) err(`${at}/params/teamId`, 'is required to assign to a team');
          if (s.params.to === 'unassign' && (s.params.userId || s.params.teamId)) err(`${at}/params`, 'unassign takes no userId or teamId');
        }
        if (s.action === 'send_template' && (s.params.templateId === undefined) === (s.params.savedReplyId === undefined)) err(`${at}/params`, 'give exactly one of templateId or savedReplyId');
        if (s.action === 'ask') {
          if (s.params.options && s.params.validate) err(`${at}/params/validate`, 'an ask with options takes the option chosen; validate is for free answers');
          if (s.params.saveTo === 'email' && s.params.validate !== 'email') err(`${at}/params/saveTo`, "saving into the contact's e-mail needs validate: 'email'");
        }
        if (s.action === 'set_status' && (s.params.status === 'snoozed') !== (s.params.snoozeSeconds !== undefined)) {
          err(`${at}/params/snoozeSeconds`, s.params.status === 'snoozed' ? 'is required to snooze' : 'is only for status snoozed');
        }
        for (const key of ['text', 'message', 'body'] as const) {
          if (typeof p[key] === 'string') for (const problem of checkFields(p[key] as string)) err(`${at}/params/${key}`, problem);
        }
        ref('users', 'userId');
        ref('teams', 'teamId');
        ref('paths', 'pathId');
        ref('templates', 'templateId');
        ref('replies', 'savedReplyId');
        break;
      }
    }
  };

  if (doc.trigger.type === 'schedule') condition(doc.trigger.scope.when, '/trigger/scope/when', 0);
  branch(doc.steps, '/steps', 0, true);
  if (count > MAX_STEPS) err('/steps', `at most ${MAX_STEPS} steps in one workflow (this one has ${count})`);
  return { errors, refs, count };
}

/** Layer 3: every id the document names exists in this workspace (users: active). */
export async function checkReferences(scope: WorkspaceScope, refs: Refs): Promise<FieldError[]> {
  const [teams, users, inboxes, paths, templates, replies, audiences] = await Promise.all([
    existingIds(scope, 'teams', [...new Set(refs.teams.values())]),
    existingIds(scope, 'users', [...new Set(refs.users.values())]),
    existingIds(scope, 'inboxes', [...new Set(refs.inboxes.values())]),
    existingPaths(scope, [...new Set(refs.paths.values())]),
    existingIn(scope, 'templates', [...new Set(refs.templates.values())]),
    existingIn(scope, 'saved_replies', [...new Set(refs.replies.values())]),
    existingIn(scope, 'audiences', [...new Set(refs.audiences.values())]),
  ]);
  const errors: FieldError[] = [];
  const check = (m: Map<string, string>, have: Set<string>, what: string) => {
    for (const [at, id] of m) if (!have.has(id)) errors.push({ field: at, message: `no such ${what} in this workspace` });
  };
  check(refs.teams, teams, 'team');
  check(refs.users, users, 'active user');
  check(refs.inboxes, inboxes, 'inbox');
  check(refs.paths, paths, 'escalation path');
  check(refs.templates, templates, 'template');
  check(refs.replies, replies, 'saved reply');
  check(refs.audiences, audiences, 'audience');
  return errors;
}

async function existingIn(scope: WorkspaceScope, table: 'templates' | 'saved_replies' | 'audiences', ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  // A workflow speaks for the workspace: someone's personal saved reply is not one it may send.
  const own = table === 'saved_replies' ? ' AND owner_user_id IS NULL' : '';
  const rows = await scope.prepare(`SELECT id FROM ${table} WHERE workspace_id = ?1${own} AND id IN (SELECT value FROM json_each(?2))`, JSON.stringify(ids)).all<{ id: string }>();
  return new Set(rows.results.map((r) => r.id));
}

async function existingPaths(scope: WorkspaceScope, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await scope.prepare(`SELECT id FROM escalation_paths WHERE workspace_id = ?1 AND id IN (${ids.map(() => '?').join(', ')})`, ...ids).all<{ id: string }>();
  return new Set(rows.results.map((r) => r.id));
}

/** All three layers: the document as stored, or a Problem naming every bad node. */
export async function validateDocument(scope: WorkspaceScope, doc: WorkflowDocument): Promise<WorkflowDocument> {
  const { errors, refs } = checkStructure(doc);
  if (errors.length) throw invalid(errors);
  const missing = await checkReferences(scope, refs);
  if (missing.length) throw invalid(missing);
  return doc;
}

// A name that is taken is the caller's conflict (409 naming the field), never a 500 (issue 15, defect 10).
import { describe, expect, it } from 'vitest';
import { uniqueViolationField } from '../../worker/http/problem';
import { call, createTeam, expectProblem, newWorkspace } from '../helpers';

describe('conflicts', () => {
  it('renaming a team to another team’s name is 409 naming name; to its own name is fine', async () => {
    const ws = await newWorkspace();
    const a = await createTeam(ws, 'Front desk');
    await createTeam(ws, 'Housekeeping');
    expectProblem(await call('PATCH', `/api/teams/${a}`, { token: ws.token, body: { name: 'Housekeeping' } }), 409, 'name');
    expect((await call('PATCH', `/api/teams/${a}`, { token: ws.token, body: { name: 'Front desk' } })).status).toBe(200);
  });

  it('any UNIQUE failure that reaches the error handler is read as the field it names', () => {
    expect(uniqueViolationField(new Error('D1_ERROR: UNIQUE constraint failed: teams.workspace_id, teams.name: SQLITE_CONSTRAINT'))).toBe('name');
    expect(uniqueViolationField({ message: 'Failed query', cause: new Error('UNIQUE constraint failed: saved_replies.workspace_id, saved_replies.shortcut') })).toBe('shortcut');
    expect(uniqueViolationField(new Error('UNIQUE constraint failed: inboxes.website_token'))).toBe('websiteToken');
    expect(uniqueViolationField(new Error('no such table: x'))).toBeNull();
  });
});

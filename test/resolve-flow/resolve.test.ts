// Resolving with a closing note: the note lands as an internal note and as the conversation's closing
// note, once per clientId; without one it is a plain resolve. The workspace decides whether the app asks.
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, expectProblem, newWorkspace, visitorConversation, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
let inbox: { id: string; websiteToken: string };

beforeAll(async () => {
  ws = await newWorkspace('Resolve');
  inbox = await webchatInbox(ws);
});

const resolve = (id: string, body?: unknown, token = ws.token) => call('POST', `/api/conversations/${id}/resolve`, { token, body });
const notes = async (id: string) => ((await call('GET', `/api/conversations/${id}/messages`, { token: ws.token })).body.items as any[]).filter((m) => m.isInternalNote);

describe('POST /api/conversations/:id/resolve', () => {
  it('keeps the closing note as an internal note and closes; a retry with the same clientId adds nothing', async () => {
    const { id } = await visitorConversation(inbox.websiteToken, 'My key card stopped working');
    const res = await resolve(id, { note: '  Re-encoded the key card at the desk.  ', clientId: 'close-1' });
    expect(res.status).toBe(200);
    expect(res.body.conversation).toMatchObject({ id, status: 'closed', closingNote: 'Re-encoded the key card at the desk.' });
    expect(res.body.note).toMatchObject({ isInternalNote: true, text: 'Re-encoded the key card at the desk.', authorId: ws.userId });
    const again = await resolve(id, { note: 'Re-encoded the key card at the desk.', clientId: 'close-1' });
    expect(again.status).toBe(200);
    expect(await notes(id)).toHaveLength(1);
    // The customer never sees it.
    const thread = await call('GET', `/api/conversations/${id}/messages`, { token: ws.token });
    expect(thread.body.items.filter((m: any) => m.direction === 'outbound' && !m.isInternalNote)).toEqual([]);
  });

  it('without a note (or an empty one) it only resolves', async () => {
    const a = await visitorConversation(inbox.websiteToken, 'Thanks, all good');
    const b = await visitorConversation(inbox.websiteToken, 'Bye');
    expect((await resolve(a.id)).body.conversation).toMatchObject({ status: 'closed', closingNote: null });
    expect((await resolve(b.id, { note: '   ' })).body).toMatchObject({ conversation: { status: 'closed', closingNote: null }, note: null });
    expect(await notes(a.id)).toEqual([]);
    expect(await notes(b.id)).toEqual([]);
  });

  it('follows the caller’s sight of the conversation and validates the note', async () => {
    const { id } = await visitorConversation(inbox.websiteToken, 'Hello');
    const personal = await addMember(ws, 'personal');
    expectProblem(await resolve(id, { note: 'not mine' }, personal.token), 403);
    expectProblem(await resolve(id, { note: 'x'.repeat(5001) }), 400, 'note');
    expectProblem(await resolve(id, { note: 7 }), 400, 'note');
    expectProblem(await resolve('cnv_nope'), 404);
    expect((await call('GET', `/api/conversations/${id}`, { token: ws.token })).body.status).toBe('open');
    expect(await notes(id)).toEqual([]);
  });

  it('the workspace setting closingNotePrompt is on unless a manager switches it off', async () => {
    const fresh = await newWorkspace('Prompt');
    expect((await call('GET', '/api/me', { token: fresh.token })).body.workspace.settings.closingNotePrompt).toBeUndefined();
    const staff = await addMember(fresh, 'staff');
    expectProblem(await call('PATCH', '/api/workspace', { token: staff.token, body: { settings: { closingNotePrompt: false } } }), 403);
    expectProblem(await call('PATCH', '/api/workspace', { token: fresh.token, body: { settings: { closingNotePrompt: 'no' } } }), 400, 'closingNotePrompt');
    expect((await call('PATCH', '/api/workspace', { token: fresh.token, body: { settings: { closingNotePrompt: false } } })).status).toBe(200);
    expect((await call('GET', '/api/me', { token: staff.token })).body.workspace.settings.closingNotePrompt).toBe(false);
  });
});

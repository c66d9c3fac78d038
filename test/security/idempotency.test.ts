// Idempotency keys are per author (issue 15, defect 3): a visitor who sends an agent's client id
// gets neither the agent's internal note back nor a claim on the agent's next reply.
import { env, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConversationStore } from '../../durable-objects/conversation-store';
import { addUser, call, newWorkspace, unique, visitorConversation, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
let inbox: Awaited<ReturnType<typeof webchatInbox>>;
beforeAll(async () => {
  ws = await newWorkspace();
  inbox = await webchatInbox(ws);
});

const agentSends = (conversationId: string, token: string, body: Record<string, unknown>) => call('POST', `/api/conversations/${conversationId}/messages`, { token, body });
const visitorSends = (visitorToken: string, text: string, clientId: string) => call('POST', '/widget/api/messages', { token: visitorToken, body: { text, clientId } });

describe('idempotency keys are namespaced by author', () => {
  it("a visitor reusing an agent note's client id gets their own message, never the note", async () => {
    const v = await visitorConversation(inbox.websiteToken, 'Hello');
    const clientId = unique('note');
    const note = await agentSends(v.id, ws.token, { text: 'Guest is on the blocklist of the Lisbon flat', isInternalNote: true, clientId });
    expect(note.status).toBe(201);
    const probe = await visitorSends(v.visitorToken, 'guessing', clientId);
    expect(probe.status).toBe(201);
    expect(probe.body.duplicate).toBe(false);
    expect(probe.body.message.text).toBe('guessing');
    expect(JSON.stringify(probe.body)).not.toContain('blocklist');
    // The visitor's own retry is still a repeat of their own message.
    const retry = await visitorSends(v.visitorToken, 'guessing', clientId);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ duplicate: true, message: { id: probe.body.message.id } });
  });

  it("a visitor cannot pre-claim an agent's next client id: the reply lands", async () => {
    const v = await visitorConversation(inbox.websiteToken, 'Hi');
    const clientId = unique('reply');
    expect((await visitorSends(v.visitorToken, 'claimed', clientId)).status).toBe(201);
    const reply = await agentSends(v.id, ws.token, { text: 'Your key is in the lockbox', clientId });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ duplicate: false, message: { text: 'Your key is in the lockbox', authorType: 'agent' } });
    const thread = await call('GET', `/api/conversations/${v.id}/messages`, { token: ws.token });
    expect(thread.body.items.map((m: { text: string }) => m.text)).toEqual(expect.arrayContaining(['claimed', 'Your key is in the lockbox']));
  });

  it("two agents' equal client ids are two messages; one agent's retry is a repeat", async () => {
    const v = await visitorConversation(inbox.websiteToken, 'Hey');
    const other = await addUser(ws, 'manager');
    const clientId = unique('same');
    const a = await agentSends(v.id, ws.token, { text: 'from A', clientId });
    const b = await agentSends(v.id, other.token, { text: 'from B', clientId });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.message.text).toBe('from B');
    const again = await agentSends(v.id, other.token, { text: 'from B', clientId });
    expect(again.status).toBe(200);
    expect(again.body.message.id).toBe(b.body.message.id);
  });

  it('an object created before namespacing is migrated: its keys derived from each row, the old unique constraint gone', async () => {
    const stub = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(unique('legacy')));
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec(`DROP TABLE IF EXISTS messages`);
      sql.exec(`CREATE TABLE messages (
        id TEXT PRIMARY KEY, seq INTEGER NOT NULL, direction TEXT NOT NULL, author_type TEXT NOT NULL,
        author_id TEXT, author_name TEXT, text TEXT NOT NULL, attachments TEXT NOT NULL,
        is_note INTEGER NOT NULL, external_id TEXT UNIQUE, channel TEXT NOT NULL,
        status TEXT NOT NULL, status_reason TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
      sql.exec(`INSERT INTO messages VALUES ('msg_1', 1, 'internal', 'agent', 'usr_1', 'Ann', 'note', '[]', 1, 'k1', 'webchat', 'delivered', NULL, 1, 1)`);
      const store = new ConversationStore(sql);
      expect(store.messageByIdempotencyKey('agent:usr_1:k1', 'cnv_x')?.id).toBe('msg_1');
      expect(store.messageByIdempotencyKey('contact:k1', 'cnv_x')).toBeNull();
      store.insertMessage({ ...store.messageById('msg_1', 'cnv_x')!, id: 'msg_2', seq: 2, authorType: 'contact', authorId: 'ct_1', isInternalNote: false, direction: 'inbound' });
      expect(store.messageByIdempotencyKey('contact:k1', 'cnv_x')?.id).toBe('msg_2');
      // Built once: a second construction leaves the table as it is.
      new ConversationStore(sql);
      expect(sql.exec(`SELECT count(*) AS n FROM messages`).one().n).toBe(2);
    });
  });
});

// POST /api/files (raw upload to R2) and signed download URLs; attachments on messages.
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedFileUrl } from '../../worker/files/attachments';
import { BASE, call, expectProblem, newWorkspace, visitorConversation, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
let inbox: Awaited<ReturnType<typeof webchatInbox>>;
beforeAll(async () => {
  ws = await newWorkspace();
  inbox = await webchatInbox(ws);
});

const BYTES = new Uint8Array(Array.from({ length: 1024 }, (_, i) => (i * 31 + 7) % 256));

async function upload(name: string, bytes: Uint8Array = BYTES, token = ws.token, contentType = 'application/pdf') {
  return call('POST', `/api/files?name=${encodeURIComponent(name)}`, { token, body: bytes, headers: { 'content-type': contentType } });
}
async function download(url: string) {
  const res = await SELF.fetch(`${BASE}${url}`);
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('files', () => {
  it('uploads a raw body and downloads the same bytes through the signed URL (no session needed)', async () => {
    const res = await upload('report 2026.pdf');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'report 2026.pdf', contentType: 'application/pdf', size: BYTES.length });
    expect(res.body.key.startsWith(`${ws.workspaceId}/`)).toBe(true);
    expect(res.body.url).toMatch(/^\/api\/files\/.+\?exp=\d+&sig=/);
    const got = await download(res.body.url);
    expect(got.status).toBe(200);
    expect(got.bytes).toEqual(BYTES);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses tampered, foreign, missing and expired signatures with 403', async () => {
    const a = (await upload('a.pdf')).body;
    const b = (await upload('b.pdf')).body;
    const url = new URL(a.url, BASE);
    const sig = url.searchParams.get('sig')!;
    const tampered = new URL(url);
    tampered.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    expectProblem(await call('GET', tampered.pathname + tampered.search), 403);
    const laterExp = new URL(url);
    laterExp.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 3600));
    expectProblem(await call('GET', laterExp.pathname + laterExp.search), 403);
    // b's signature does not open a.
    const swapped = new URL(url);
    swapped.searchParams.set('sig', new URL(b.url, BASE).searchParams.get('sig')!);
    expectProblem(await call('GET', swapped.pathname + swapped.search), 403);
    expectProblem(await call('GET', url.pathname), 403);
    expectProblem(await call('GET', url.pathname, { token: ws.token }), 403);
    // A correctly signed link past its expiry.
    expectProblem(await call('GET', await signedFileUrl(env, a.key, -7200)), 403);
    // A correctly signed link to nothing.
    expectProblem(await call('GET', await signedFileUrl(env, `${ws.workspaceId}/fil_none/none.pdf`)), 404);
  });

  it('validates uploads: name required, body not empty, credential required', async () => {
    expectProblem(await call('POST', '/api/files', { token: ws.token, body: BYTES }), 400, 'name');
    expectProblem(await call('POST', '/api/files?name=%20', { token: ws.token, body: BYTES }), 400, 'name');
    expectProblem(await call('POST', '/api/files?name=empty.txt', { token: ws.token, body: new Uint8Array(0) }), 400);
    expectProblem(await call('POST', '/api/files?name=x.txt', { body: BYTES }), 401);
  });

  it('keeps hostile names inside the workspace prefix', async () => {
    const res = await upload('../../other/evil.sh');
    expect(res.status).toBe(201);
    const parts = res.body.key.split('/');
    expect(parts[0]).toBe(ws.workspaceId);
    expect(parts).toHaveLength(3);
    expect(parts).not.toContain('..');
    expect((await download(res.body.url)).bytes).toEqual(BYTES);
  });
});

describe('attachments on messages', () => {
  it('attaches an uploaded file; agents and the visitor get signed URLs to the same bytes', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'send me the invoice');
    const file = (await upload('invoice.pdf')).body;
    const attachment = { key: file.key, name: file.name, contentType: file.contentType, size: file.size };
    const res = await call('POST', `/api/conversations/${conv.id}/messages`, { token: ws.token, body: { attachments: [attachment] } });
    expect(res.status).toBe(201);
    expect(res.body.message.attachments).toEqual([{ ...attachment, url: expect.stringMatching(/^\/api\/files\//) }]);
    expect((await download(res.body.message.attachments[0].url)).bytes).toEqual(BYTES);
    const view = await call('GET', `/api/conversations/${conv.id}`, { token: ws.token });
    expect(view.body.lastMessagePreview).toBe('[attachment]');

    const agent = await call('GET', `/api/conversations/${conv.id}/messages`, { token: ws.token });
    expect(agent.body.items[1].attachments[0].url).toEqual(expect.any(String));
    const widget = await call('GET', '/widget/api/messages', { token: conv.visitorToken });
    const seen = widget.body.items.find((m: { id: string }) => m.id === res.body.message.id);
    expect((await download(seen.attachments[0].url)).bytes).toEqual(BYTES);
  });

  it("refuses another workspace's file, or a key nobody uploaded, naming attachments.N.key", async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'hi');
    const other = await newWorkspace();
    const foreign = (await upload('theirs.pdf', BYTES, other.token)).body;
    const mine = (await upload('mine.pdf')).body;
    const att = (f: { key: string; name: string; contentType: string; size: number }) => ({ key: f.key, name: f.name, contentType: f.contentType, size: f.size });
    const post = (attachments: unknown[]) => call('POST', `/api/conversations/${conv.id}/messages`, { token: ws.token, body: { text: 'see attached', attachments } });
    expectProblem(await post([att(foreign)]), 400, 'attachments.0.key');
    expectProblem(await post([att(mine), att(foreign)]), 400, 'attachments.1.key');
    expectProblem(await post([{ ...att(mine), key: `${ws.workspaceId}/fil_made_up/x.pdf` }]), 400, 'attachments.0.key');
    // A key that merely names this workspace further down the path is still foreign.
    expectProblem(await post([{ ...att(foreign), key: `${other.workspaceId}/${ws.workspaceId}/x.pdf` }]), 400, 'attachments.0.key');
    expect((await call('GET', `/api/conversations/${conv.id}`, { token: ws.token })).body.messageCount).toBe(1);
  });
});

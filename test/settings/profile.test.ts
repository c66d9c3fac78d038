// Profile settings: name, picture or initials colour, time zone, language, theme (mirrored in a cookie
// the Worker applies to the app's HTML), and a signature per inbox.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addMember, BASE, call, expectProblem, newWorkspace, webchatInbox } from '../helpers';

describe('/api/me/profile', () => {
  it('everyone changes their own name, time zone, language, theme, colour and signatures; the theme cookie follows', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const staff = await addMember(ws, 'personal');
    const before = await call('GET', '/api/me/profile', { token: staff.token });
    expect(before.body).toMatchObject({ id: staff.userId, theme: 'system', timezone: null, language: null, signatures: {}, avatarUrl: null });
    const res = await call('PATCH', '/api/me/profile', {
      token: staff.token,
      body: { name: 'Lucía Gómez', timezone: 'Europe/Madrid', language: 'es', theme: 'dark', avatarHue: 200, signatures: { [inbox.id]: '— Lucía, Casa Maré' } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Lucía Gómez', timezone: 'Europe/Madrid', language: 'es', theme: 'dark', avatarHue: 200, signatures: { [inbox.id]: '— Lucía, Casa Maré' } });
    expect(res.headers.get('set-cookie')).toMatch(/parley_theme=dark; Max-Age=\d+; Path=\//);
    // The name is everyone's to see at once (the cached principal and the users list).
    expect((await call('GET', '/api/users', { token: ws.token })).body.items.find((u: { id: string }) => u.id === staff.userId).name).toBe('Lucía Gómez');
    expect((await call('GET', '/api/me', { token: staff.token })).body.user.name).toBe('Lucía Gómez');
    // An empty signature removes it; the map is replaced as a whole.
    expect((await call('PATCH', '/api/me/profile', { token: staff.token, body: { signatures: { [inbox.id]: '' } } })).body.signatures).toEqual({});
    // Someone else's profile is untouched.
    expect((await call('GET', '/api/me/profile', { token: ws.token })).body).toMatchObject({ theme: 'system', timezone: null });
  });

  it('refuses bad values naming the field', async () => {
    const ws = await newWorkspace();
    const other = await webchatInbox(await newWorkspace());
    const patch = (body: unknown) => call('PATCH', '/api/me/profile', { token: ws.token, body });
    expectProblem(await patch({ timezone: 'Mars/Olympus' }), 400, 'timezone');
    expectProblem(await patch({ language: 'not a language tag' }), 400, 'language');
    expectProblem(await patch({ theme: 'sepia' }), 400, 'theme');
    expectProblem(await patch({ avatarHue: 400 }), 400, 'avatarHue');
    expectProblem(await patch({ name: '  ' }), 400, 'name');
    expectProblem(await patch({ signatures: { [other.id]: 'Hi' } }), 400, `signatures.${other.id}`);
    expectProblem(await patch({ avatarKey: 'someone-else/fil_x/a.png' }), 400, 'avatarKey');
    expectProblem(await patch({}), 400);
  });

  it('a picture uploaded through the files API becomes the avatar (a signed URL); other files are refused', async () => {
    const ws = await newWorkspace();
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (ch) => ch.charCodeAt(0));
    const up = await call('POST', '/api/files?name=me.png', { token: ws.token, body: png, headers: { 'content-type': 'image/png' } });
    expect(up.status).toBe(201);
    const res = await call('PATCH', '/api/me/profile', { token: ws.token, body: { avatarKey: up.body.key } });
    expect(res.body.avatarUrl).toMatch(/^\/api\/files\/.+me\.png\?exp=\d+&sig=/);
    const img = await SELF.fetch(`${BASE}${res.body.avatarUrl}`);
    expect(img.status).toBe(200);
    const txt = await call('POST', '/api/files?name=notes.txt', { token: ws.token, body: 'hello', headers: { 'content-type': 'text/plain' } });
    expectProblem(await call('PATCH', '/api/me/profile', { token: ws.token, body: { avatarKey: txt.body.key } }), 400, 'avatarKey');
    expect((await call('PATCH', '/api/me/profile', { token: ws.token, body: { avatarKey: null } })).body.avatarUrl).toBeNull();
  });
});

describe('the theme on the first paint', () => {
  it("the app's HTML comes with data-theme from the cookie; system (or none) leaves it to the browser", async () => {
    const page = async (cookie?: string) => (await SELF.fetch(`${BASE}/inbox`, { headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } })).text();
    const plain = await page();
    if (!plain.includes('<html')) return; // no built app in this environment (dist/ absent): nothing to rewrite
    expect(await page('parley_theme=dark')).toMatch(/<html[^>]*data-theme="dark"/);
    expect(await page('a=b; parley_theme=light')).toMatch(/<html[^>]*data-theme="light"/);
    expect(await page('parley_theme=system')).not.toMatch(/data-theme/);
    expect(plain).not.toMatch(/data-theme/);
  });
});

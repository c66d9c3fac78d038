// Files never run as the app: customer and user files are served from the app's origin, so only
// raster images render inline; anything else is a sandboxed, sniff-proof download (issue 15, 1 and 11).
import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE, call, expectProblem, newWorkspace, addUser, unique, type Workspace } from '../helpers';
import { createInbox, threadOf } from '../channels/helpers';

let ws: Workspace;
beforeAll(async () => {
  ws = await newWorkspace();
});

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'/api/me\')"><script>alert(document.domain)</script></svg>';
const HTML = '<!doctype html><script>fetch("/api/users",{method:"POST",credentials:"include"})</script>';

async function upload(name: string, body: string | Uint8Array, contentType: string, token = ws.token) {
  return call('POST', `/api/files?name=${encodeURIComponent(name)}`, { token, body, headers: { 'content-type': contentType } });
}
async function served(url: string) {
  const res = await SELF.fetch(`${BASE}${url}`);
  await res.arrayBuffer();
  return res;
}

function expectInert(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-security-policy')).toMatch(/(^|; )sandbox($|;)/);
  expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
}

describe('serving files', () => {
  it("an uploaded HTML page and SVG are downloads under an opaque type, never documents of the app's origin", async () => {
    const personal = await addUser(ws, 'personal');
    const html = await upload('report.html', HTML, 'text/html', personal.token);
    expect(html.status).toBe(201);
    const page = await served(html.body.url);
    expectInert(page);
    expect(page.headers.get('content-type')).toBe('application/octet-stream');
    const svg = await upload('logo.svg', SVG, 'image/svg+xml');
    const image = await served(svg.body.url);
    expectInert(image);
    expect(image.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('raster images render inline (thumbnails), still sandboxed; a PDF keeps its type but downloads', async () => {
    const png = await upload('photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]), 'image/png');
    const res = await served(png.body.url);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    const pdf = await served((await upload('terms.pdf', '%PDF-1.4', 'application/pdf')).body.url);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('an SVG attached to an inbound e-mail is a download', async () => {
    const address = `svg-${unique()}@casa-azul.test`;
    const inbox = await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'email', name: 'Mail', config: { address } } });
    expect(inbox.status).toBe(201);
    const boundary = 'b1';
    const mime = [
      'From: Mallory <mallory@evil.test>',
      `To: ${address}`,
      'Subject: invoice',
      'Message-ID: <svg-1@evil.test>',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See the attached invoice.',
      `--${boundary}`,
      'Content-Type: image/svg+xml; name="invoice.svg"',
      'Content-Disposition: inline; filename="invoice.svg"',
      '',
      SVG,
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const queued = await call('POST', `/api/dev/email?to=${encodeURIComponent(address)}&from=mallory@evil.test`, { body: mime, headers: { 'content-type': 'message/rfc822' } });
    expect(queued.status).toBe(202);
    const thread = await threadOf(ws, ws.workspaceId, 'email', 'mallory@evil.test');
    const svg = thread.messages[0].attachments.find((a: { name: string }) => a.name === 'invoice.svg');
    expect(svg).toBeTruthy();
    expectInert(await served(svg.url));
  });
});

describe('file names', () => {
  it('CR/LF in a name is cleaned (the download works), dots alone are refused, non-ASCII names use RFC 6266 filename*', async () => {
    const crlf = await upload('a\r\nSet-Cookie: x=1.txt', 'hello', 'text/plain');
    expect(crlf.status).toBe(201);
    expect(crlf.body.name).toBe('a Set-Cookie: x=1.txt');
    const res = await served(crlf.body.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();

    expectProblem(await upload('.', 'x', 'text/plain'), 400, 'name');
    expectProblem(await upload('..', 'x', 'text/plain'), 400, 'name');
    const dotted = await upload('...txt', 'x', 'text/plain');
    expect((await served(dotted.body.url)).status).toBe(200);

    const accented = await upload('Réservation été 日本.pdf', '%PDF', 'application/pdf');
    const disposition = (await served(accented.body.url)).headers.get('content-disposition')!;
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent('Réservation été 日本.pdf')}`);
    expect(disposition).toMatch(/filename="R_servation _t_ __\.pdf"/);
  });
});

// /api/openapi.json (generated from the same valibot schemas that validate requests) and /api/docs,
// a readable reference page that renders it without any external script (works offline).
import type { Hono } from 'hono';
import { openAPIRouteHandler } from 'hono-openapi';
import { htmlResponse } from '../http/security-headers';

export function mountDocs(app: Hono<{ Bindings: Env }>) {
  app.get(
    '/api/openapi.json',
    openAPIRouteHandler(app, {
      documentation: {
        openapi: '3.1.0',
        info: { title: 'Parley API', version: '1.0.0', description: 'Omnichannel shared inbox. Errors are application/problem+json (RFC 9457) naming the bad field.' },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'A session token from POST /api/auth/login, or an API key (pk_…).' },
          },
        },
        security: [{ bearer: [] }],
      },
    }),
  );
  app.get('/api/docs', (c) => htmlResponse(c.req.url, DOCS_HTML, { scripts: [DOCS_SCRIPT], styles: [DOCS_STYLE] }));
}

// The inline blocks are constants so the page's content security policy can allow exactly them by hash.
const DOCS_STYLE = `
  :root { color-scheme: light dark; font: 15px/1.5 system-ui, sans-serif; }
  body { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
  h2 { margin-top: 2rem; border-bottom: 1px solid #8884; text-transform: capitalize; }
  details { margin: .4rem 0; border: 1px solid #8883; border-radius: 6px; padding: .4rem .7rem; }
  summary { cursor: pointer; }
  code, pre { font: 13px/1.4 ui-monospace, monospace; }
  pre { background: #8881; padding: .6rem; overflow: auto; border-radius: 4px; }
  .m { display: inline-block; min-width: 4.5rem; font-weight: 600; }
  .get { color: #0a7; } .post { color: #06c; } .patch { color: #c70; } .delete { color: #c33; }
`;

const DOCS_SCRIPT = `
fetch('/api/openapi.json').then(r => r.json()).then(spec => {
  document.getElementById('intro').textContent = spec.info.description + ' Authenticate with "Authorization: Bearer <token>".';
  const groups = {};
  for (const [path, item] of Object.entries(spec.paths)) for (const [method, op] of Object.entries(item)) {
    const tag = (op.tags && op.tags[0]) || 'other';
    (groups[tag] = groups[tag] || []).push({ path, method, op });
  }
  const main = document.getElementById('ops');
  for (const [tag, ops] of Object.entries(groups)) {
    const h = document.createElement('h2'); h.textContent = tag; main.append(h);
    for (const { path, method, op } of ops) {
      const d = document.createElement('details'); const s = document.createElement('summary');
      const m = document.createElement('span'); m.className = 'm ' + method; m.textContent = method.toUpperCase();
      const code = document.createElement('code'); code.textContent = path;
      s.append(m, code, document.createTextNode(' — ' + (op.summary || ''))); d.append(s);
      if (op.description) { const p = document.createElement('p'); p.textContent = op.description; d.append(p); }
      const pre = document.createElement('pre');
      pre.textContent = JSON.stringify({ parameters: op.parameters, requestBody: op.requestBody && op.requestBody.content, responses: op.responses }, null, 2);
      d.append(pre); main.append(d);
    }
  }
});
`;

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Parley API reference</title>
<style>${DOCS_STYLE}</style></head>
<body><h1>Parley API</h1><p id="intro">Loading <a href="/api/openapi.json">/api/openapi.json</a>…</p><main id="ops"></main>
<script>${DOCS_SCRIPT}</script></body></html>`;

// The channel simulator page (development only): pick an inbox, write as a customer, and the browser
// sends the provider-exact signed webhook the server built; the right side shows what Parley sent
// back through the sandbox transport, like the customer's phone would.

// The inline blocks are constants so the page's content security policy can allow exactly them by hash.
export const SIMULATOR_STYLE = `
  body{font:15px/1.4 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
  header{padding:12px 20px;background:#1f6feb;color:#fff;display:flex;gap:16px;align-items:center}
  main{display:grid;grid-template-columns:minmax(280px,420px) 1fr;gap:20px;padding:20px}
  section{background:#fff;border-radius:10px;padding:16px;box-shadow:0 1px 3px #0002}
  label{display:block;margin:10px 0 4px;font-weight:600} input,select,textarea{width:100%;box-sizing:border-box;padding:8px;border:1px solid #c7ccd6;border-radius:6px;font:inherit}
  button{margin-top:12px;padding:9px 16px;border:0;border-radius:6px;background:#1f6feb;color:#fff;font:inherit;cursor:pointer}
  pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:8px;border-radius:6px;font-size:12px;max-height:220px;overflow:auto}
  .phone{max-width:380px;margin:0 auto;border:10px solid #222;border-radius:30px;min-height:480px;padding:12px;background:#e5ddd5}
  .bubble{background:#fff;border-radius:10px;padding:8px 10px;margin:8px 40px 8px 0;box-shadow:0 1px 1px #0002}
  .bubble.out{background:#dcf8c6;margin:8px 0 8px 40px}
  .meta{font-size:11px;color:#667}
  .err{color:#b42318}
`;

export const SIMULATOR_SCRIPT = `
const $ = (id) => document.getElementById(id);
let token = localStorage.getItem('parley.simulator.token');
const api = async (method, path, body) => {
  const res = await fetch(path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const data = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  if (res.status === 401) { localStorage.removeItem('parley.simulator.token'); token = null; show(); }
  return { status: res.status, data };
};
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
async function show() {
  $('login').hidden = !!token; $('form').hidden = !token;
  if (!token) return;
  const inboxes = await api('GET', '/api/inboxes');
  $('inbox').innerHTML = (inboxes.data.items || []).filter((i) => i.channel !== 'webchat').map((i) => '<option value="' + i.id + '">' + esc(i.channel + ' · ' + i.name) + '</option>').join('');
  poll();
}
$('signin').onclick = async () => {
  const res = await api('POST', '/api/auth/login', { email: $('email').value, password: $('password').value });
  if (res.status === 200) { token = res.data.token; localStorage.setItem('parley.simulator.token', token); show(); }
  else alert(res.data.detail || 'Sign-in failed');
};
$('send').onclick = async () => {
  const built = await api('POST', '/api/dev/simulate', { inboxId: $('inbox').value, text: $('text').value, from: $('from').value || undefined, name: $('name').value || undefined });
  if (built.status !== 200) { $('result').innerHTML = '<p class="err">' + esc(built.data.detail) + '</p>'; return; }
  const hook = built.data;
  const res = await fetch(hook.url, { method: 'POST', headers: hook.headers, body: hook.body });
  $('result').innerHTML = '<p>' + esc(hook.channel) + ' webhook → HTTP ' + res.status + '</p><pre>' + esc(Object.entries(hook.headers).map(([k, v]) => k + ': ' + v).join('\\n') + '\\n\\n' + hook.body) + '</pre>';
};
let last = 0; const seen = [];
async function poll() {
  if (!token) return;
  const res = await api('GET', '/api/channels/sandbox/outbound?limit=100');
  for (const r of (res.data.items || []).reverse()) {
    if (r.id <= last || r.purpose !== 'send') continue;
    last = r.id; seen.push(r);
  }
  $('phone').innerHTML = seen.slice(-30).map((r) => {
    let text = r.body || '';
    try { const j = JSON.parse(text); text = j.text?.body ?? j.text ?? j.message?.text ?? j.message?.content ?? j.messages?.[0]?.text ?? j.body ?? j.data?.text ?? text; } catch { const f = new URLSearchParams(text); text = f.get('Body') ?? f.get('Twiml') ?? text; }
    return '<div class="bubble out"><div class="meta">' + esc(r.channel) + ' · ' + esc(r.method + ' ' + r.url) + ' · ' + r.responseStatus + '</div>' + esc(typeof text === 'string' ? text : JSON.stringify(text)) + '</div>';
  }).join('') || '<p class="meta">Nothing sent yet. Reply to a simulated conversation in the agent app.</p>';
  setTimeout(poll, 2000);
}
show();
`;

export function simulatorPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Parley channel simulator</title>
<style>${SIMULATOR_STYLE}</style></head>
<body>
<header><strong>Parley · channel simulator</strong><span id="who"></span></header>
<main>
<section>
  <div id="login" hidden>
    <label>Manager e-mail</label><input id="email" value="manager@parley.test">
    <label>Password</label><input id="password" type="password" value="parley-demo">
    <button id="signin">Sign in</button>
  </div>
  <div id="form" hidden>
    <label>Inbox</label><select id="inbox"></select>
    <label>Customer (phone, user id or e-mail)</label><input id="from" placeholder="default per channel">
    <label>Name</label><input id="name" value="Simulated Customer">
    <label>Message</label><textarea id="text" rows="4">Hi! Is the sea-view apartment free next weekend?</textarea>
    <button id="send">Send as the provider</button>
    <p class="meta">The server signs the webhook with the inbox's secret; your browser sends it to the real endpoint.</p>
    <div id="result"></div>
  </div>
</section>
<section>
  <h3>Sent back by Parley (sandbox transport)</h3>
  <div class="phone" id="phone"></div>
</section>
</main>
<script type="module">${SIMULATOR_SCRIPT}</script>
</body></html>`;
}

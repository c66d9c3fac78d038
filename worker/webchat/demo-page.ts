// GET /demo: a stand-in customer website with the widget embedded, so a workspace can try its web chat
// (as a visitor) before touching its real site. The page has no assets of its own: one inline style block,
// and the widget's loader script.

/** Escapes text for HTML content and for double- or single-quoted attribute values. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page's one inline block, a constant so its content security policy allows exactly it (by hash);
 * the page has no inline script and no style attributes.
 */
export const DEMO_STYLE = `
  :root { --sea: #0e6ba8; --sand: #f6efe3; --ink: #1c2430; --card: #fff; --muted: #5b6472; }
  @media (prefers-color-scheme: dark) {
    :root { --sea: #5fb3e8; --sand: #12161c; --ink: #e8ecf1; --card: #1c222b; --muted: #9aa4b2; }
  }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--sand); }
  a { color: var(--sea); }
  .wrap { max-width: 1040px; margin: 0 auto; padding: 0 20px; }
  .note { background: #fff7d6; color: #3d3300; border-bottom: 1px solid #e9d98f; font-size: 14px; padding: 10px 0; }
  .note code, .note pre { font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
  .note pre { margin: 6px 0 0; padding: 8px 10px; background: #fffbe9; border: 1px solid #eadf9e; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
  .note a { color: #5a4500; }
  header.site { display: flex; align-items: center; justify-content: space-between; padding: 18px 0; }
  .logo { font-weight: 800; font-size: 22px; letter-spacing: -0.02em; color: var(--sea); }
  nav a { margin-left: 20px; text-decoration: none; color: var(--ink); }
  .hero { padding: 72px 0 88px; background: linear-gradient(160deg, #0e6ba8, #3aa0c9 55%, #f3d9a4); color: #fff; }
  .hero h1 { margin: 0 0 12px; font-size: clamp(32px, 6vw, 54px); line-height: 1.1; letter-spacing: -0.03em; }
  .hero p { max-width: 560px; margin: 0 0 28px; font-size: 19px; }
  .button { display: inline-block; padding: 12px 22px; border-radius: 999px; background: #fff; color: #0e6ba8; font-weight: 700; text-decoration: none; border: 0; font-size: 16px; cursor: pointer; }
  section { padding: 56px 0; }
  h2 { font-size: 28px; margin: 0 0 24px; letter-spacing: -0.02em; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 20px; }
  .card { background: var(--card); border-radius: 14px; overflow: hidden; box-shadow: 0 2px 10px rgba(0,0,0,.06); }
  .photo { height: 150px; }
  .photo-mare { background: linear-gradient(135deg, #7cc6e8, #f7e1b5); }
  .photo-farol { background: linear-gradient(135deg, #2f8fc1, #a9dcc8); }
  .photo-sol { background: linear-gradient(135deg, #f1c27d, #e98e6b); }
  .card div.body { padding: 16px 18px 20px; }
  .card h3 { margin: 0 0 4px; font-size: 18px; }
  .card p { margin: 0; color: var(--muted); font-size: 15px; }
  .price { margin-top: 10px !important; color: var(--ink) !important; font-weight: 700; }
  details { background: var(--card); border-radius: 10px; padding: 14px 18px; margin-bottom: 10px; }
  summary { cursor: pointer; font-weight: 600; }
  footer { padding: 32px 0 96px; color: var(--muted); font-size: 14px; }
`;

export function demoPageHtml(websiteToken: string, origin: string): string {
  const token = escapeHtml(websiteToken);
  const host = escapeHtml(origin);
  const snippet = escapeHtml(
    `<script src="${origin}/widget.js" data-website-token="${websiteToken}" async></script>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>Casa Azul — beach rentals (Parley demo)</title>
<style>${DEMO_STYLE}</style>
</head>
<body>
<div class="note" role="note">
  <div class="wrap">
    <strong>Parley demo page.</strong> This is a made-up business website with the Parley chat widget
    embedded: use the chat bubble in the corner to write as a visitor. Agents answer in the agent app at
    <a href="${host}/">${host}/</a> or through the API. The whole embed is one tag:
    <pre><code>${snippet}</code></pre>
  </div>
</div>

<div class="wrap">
  <header class="site">
    <span class="logo">Casa Azul</span>
    <nav aria-label="Main"><a href="#houses">Houses</a><a href="#faq">FAQ</a></nav>
  </header>
</div>

<main>
  <div class="hero">
    <div class="wrap">
      <h1>Wake up to the sound of the sea.</h1>
      <p>Hand-picked beach houses on the Costa Azul, steps from the water. Free cancellation up to 14 days before arrival.</p>
      <a class="button" href="#houses">See the houses</a>
    </div>
  </div>

  <section id="houses">
    <div class="wrap">
      <h2>Our houses</h2>
      <div class="grid">
        <article class="card">
          <div class="photo photo-mare"></div>
          <div class="body"><h3>Casa Maré</h3><p>2 bedrooms · sleeps 4 · terrace over the dunes</p><p class="price">from €140 / night</p></div>
        </article>
        <article class="card">
          <div class="photo photo-farol"></div>
          <div class="body"><h3>Villa Farol</h3><p>4 bedrooms · sleeps 8 · private pool, lighthouse view</p><p class="price">from €320 / night</p></div>
        </article>
        <article class="card">
          <div class="photo photo-sol"></div>
          <div class="body"><h3>Cabana Sol</h3><p>Studio · sleeps 2 · 30 seconds to the sand</p><p class="price">from €85 / night</p></div>
        </article>
      </div>
    </div>
  </section>

  <section id="faq">
    <div class="wrap">
      <h2>Questions</h2>
      <details><summary>When are check-in and check-out?</summary><p>Check-in from 4 pm, check-out by 11 am. Ask us in the chat about early arrivals.</p></details>
      <details><summary>Are pets welcome?</summary><p>In Casa Maré and Cabana Sol, yes, for a small cleaning fee.</p></details>
      <details><summary>Is there parking?</summary><p>Every house has a free parking spot.</p></details>
    </div>
  </section>
</main>

<footer>
  <div class="wrap">Casa Azul is a fictional business made up to demonstrate Parley.</div>
</footer>

<script src="${host}/widget.js" data-website-token="${token}" async></script>
</body>
</html>
`;
}

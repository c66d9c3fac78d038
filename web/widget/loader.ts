// The embeddable loader: one <script data-website-token> tag adds a launcher bubble and, when needed,
// the chat frame. It ships on every page of the customer's site, so it stays dependency-free and tiny;
// everything else lives in the frame, which runs on Parley's origin and talks to us only by postMessage.
import { BRIDGE, type FrameToHost, type HostMessage, type Identity } from './bridge';
import { accentColors } from './color';

interface ParleyApi {
  open(): void;
  close(): void;
  toggle(): void;
  identify(identity: Identity): void;
}

declare global {
  interface Window {
    parleySettings?: Identity;
    Parley?: ParleyApi;
  }
}

const P = 'parley-w';

// Static markup only (no data goes in): the chat icon and the close icon, swapped by CSS.
const ICONS =
  '<svg class="' + P + '-i-chat" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>' +
  '<svg class="' + P + '-i-close" viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z"/></svg>';

// Class names are prefixed and the button is reset with `all: initial` because the host page's CSS
// applies to our elements too. The z-index sits just under the 32-bit maximum, as other widgets do.
const CSS = `
.${P}{--parley-accent:#2563eb;--parley-on-accent:#fff}
.${P}-bubble{all:initial;box-sizing:border-box;position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;display:flex;align-items:center;justify-content:center;cursor:pointer;background:var(--parley-accent);color:var(--parley-on-accent);box-shadow:0 4px 16px rgba(0,0,0,.25);transition:transform .15s}
.${P}-bubble:hover{transform:scale(1.06)}
.${P}-bubble:focus-visible{outline:3px solid var(--parley-accent);outline-offset:3px}
.${P}-bubble svg{width:28px;height:28px;fill:currentColor}
.${P}-i-close,.${P}-open .${P}-i-chat{display:none}
.${P}-open .${P}-i-close{display:block}
.${P}-badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;box-sizing:border-box;border-radius:10px;background:#d92d20;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}
.${P}-badge[hidden]{display:none}
.${P}-panel{display:none;position:fixed;right:20px;bottom:88px;z-index:2147483000;width:380px;height:min(640px,calc(100vh - 108px));border-radius:16px;overflow:hidden;background:#fff;box-shadow:0 12px 48px rgba(0,0,0,.25)}
.${P}-open .${P}-panel{display:block}
.${P}-panel iframe{display:block;width:100%;height:100%;border:0}
@media (prefers-color-scheme:dark){.${P}-panel{background:#16171b;box-shadow:0 12px 48px rgba(0,0,0,.6)}}
@media (max-width:480px){.${P}-panel{inset:0;width:100%;height:100%;border-radius:0}.${P}-open .${P}-bubble{display:none}}
@media (prefers-reduced-motion:reduce){.${P}-bubble{transition:none}}
`;

/**
 * Our CSS as a constructed stylesheet where the browser has them: a site whose content security policy
 * refuses inline styles (Parley's own /demo page among them) still shows the launcher. Elsewhere a
 * <style> element, which such a policy would block.
 */
function addStyles(): void {
  if ('adoptedStyleSheets' in document && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return;
  }
  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.appendChild(style);
}

function boot(script: HTMLScriptElement, websiteToken: string): void {
  const host = new URL(script.src).origin;
  // Remembered on the customer's origin: a visitor with a conversation gets the frame loaded on every
  // page, so agent replies show up as a badge even before they open the chat again.
  const activeKey = `parley:a:${websiteToken}`;
  const savedKey = `parley:f:${websiteToken}`;
  let identity: Identity = { ...window.parleySettings };
  let frame: HTMLIFrameElement | null = null;
  let frameReady = false;
  let open = false;
  let unread = 0;

  const root = document.createElement('div');
  root.className = P;
  const panel = document.createElement('div');
  panel.className = `${P}-panel`;
  panel.id = `${P}-panel`;
  const bubble = document.createElement('button');
  bubble.type = 'button';
  bubble.className = `${P}-bubble`;
  bubble.setAttribute('aria-controls', panel.id);
  bubble.innerHTML = ICONS;
  const badge = document.createElement('span');
  badge.className = `${P}-badge`;
  badge.setAttribute('aria-hidden', 'true');
  // appendChild rather than append(): the Worker's types redefine Element.append for HTMLRewriter.
  bubble.appendChild(badge);
  addStyles();
  root.appendChild(panel);
  root.appendChild(bubble);
  render();

  bubble.addEventListener('click', () => setOpen(!open));
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') setOpen(false);
  });

  function render(): void {
    root.classList.toggle(`${P}-open`, open);
    bubble.setAttribute('aria-expanded', String(open));
    // The badge is decorative; the count is spoken through the button's name instead.
    bubble.setAttribute('aria-label', open ? 'Close chat' : unread ? `Open chat, ${unread} unread` : 'Open chat');
    badge.textContent = unread > 9 ? '9+' : String(unread);
    badge.hidden = open || !unread;
  }

  function post(message: HostMessage): void {
    if (frameReady) frame?.contentWindow?.postMessage({ source: BRIDGE, ...message }, host);
  }

  function ensureFrame(): HTMLIFrameElement {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.title = 'Chat';
      frame.src = `${host}/widget/frame.html?websiteToken=${encodeURIComponent(websiteToken)}`;
      panel.appendChild(frame);
    }
    return frame;
  }

  function setOpen(next: boolean): void {
    if (next === open) return;
    open = next;
    const f = ensureFrame();
    render();
    post({ type: 'visibility', open });
    if (open) f.focus();
    else if (document.activeElement === f) bubble.focus();
  }

  window.addEventListener('message', (e) => {
    if (e.origin !== host || !frame || e.source !== frame.contentWindow) return;
    const m = e.data as FrameToHost;
    if (m?.source !== BRIDGE) return;
    if (m.type === 'ready') {
      frameReady = true;
      let saved = null;
      try {
        saved = JSON.parse(localStorage.getItem(savedKey) || 'null');
      } catch {
        // Blocked storage or a damaged value: the frame starts a fresh visitor.
      }
      post({ type: 'init', identity, open, saved, page: { url: location.href, referrer: document.referrer } });
    } else if (m.type === 'config') {
      const colors = accentColors(m.color);
      if (colors) {
        root.style.setProperty('--parley-accent', colors.accent);
        root.style.setProperty('--parley-on-accent', colors.onAccent);
      }
      if (typeof m.name === 'string') frame.title = `Chat with ${m.name}`;
    } else if (m.type === 'unread') {
      unread = Math.max(0, Number(m.count) || 0);
      render();
    } else if (m.type === 'active' || m.type === 'persist') {
      try {
        if (m.type === 'active') localStorage.setItem(activeKey, '1');
        else localStorage.setItem(savedKey, JSON.stringify(m.saved));
      } catch {
        // Storage can be blocked here too; the chat then lasts as long as the page.
      }
    } else if (m.type === 'close') {
      setOpen(false);
    }
  });

  window.Parley = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!open),
    identify(next) {
      identity = { ...identity, ...next };
      post({ type: 'identify', identity });
    },
  };

  const mount = (): void => {
    document.body.appendChild(root);
    try {
      if (localStorage.getItem(activeKey)) ensureFrame();
    } catch {
      // Blocked storage: load the frame on first open only.
    }
  };
  // An async script in <head> can run before <body> exists.
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
  // Lets the site call window.Parley without racing this async script.
  window.dispatchEvent(new Event('parley:ready'));
}

// document.currentScript is only set while this file is first evaluated, so it is read right away.
const script = (document.currentScript ??
  document.querySelector('script[data-website-token]')) as HTMLScriptElement | null;
const websiteToken = script?.dataset.websiteToken;
if (window.Parley) console.warn('Parley: widget.js is included more than once; ignoring the extra copy.');
else if (!script || !websiteToken) console.warn('Parley: widget.js needs a data-website-token attribute.');
else boot(script, websiteToken);

// The frame's side of the bridge to the loader. The frame can be embedded by any page (website tokens
// are public), so it only listens to its direct parent and, after `init`, only to the origin that sent it.
import { BRIDGE, type FrameMessage, type HostToFrame, type Identity, type PageVisit } from '../bridge';

export const embedded = window.parent !== window;

let hostOrigin: string | null = null;

export interface HostHandlers {
  init(identity: Identity, open: boolean, saved: Record<string, string>, page: PageVisit | null): void;
  identify(identity: Identity): void;
  visibility(open: boolean): void;
}

/** Messages before `init` are dropped: until then we don't know whose page we would be talking to. */
export function tellHost(message: FrameMessage): void {
  if (hostOrigin) window.parent.postMessage({ source: BRIDGE, ...message }, hostOrigin);
}

export function listenToHost(handlers: HostHandlers): void {
  window.addEventListener('message', (e) => {
    const m = e.data as HostToFrame;
    if (e.source !== window.parent || m?.source !== BRIDGE) return;
    if (m.type === 'init') {
      if (hostOrigin) return;
      hostOrigin = e.origin;
      const page = stringsOnly(m.page);
      handlers.init(cleanIdentity(m.identity), m.open === true, stringsOnly(m.saved), page.url ? { url: page.url.slice(0, 2000), referrer: (page.referrer ?? '').slice(0, 2000) } : null);
    } else if (e.origin !== hostOrigin) {
      return;
    } else if (m.type === 'identify') {
      handlers.identify(cleanIdentity(m.identity));
    } else if (m.type === 'visibility') {
      handlers.visibility(m.open === true);
    }
  });
  // `ready` carries nothing, so it can go to whoever embeds us.
  window.parent.postMessage({ source: BRIDGE, type: 'ready' }, '*');
}

/** Settings come from arbitrary page scripts: keep only the known fields, and only strings. */
function cleanIdentity(input: unknown): Identity {
  const strings = stringsOnly(input);
  const identity: Identity = {};
  for (const key of ['identifier', 'identifierHash', 'name', 'email'] as const) {
    if (strings[key]) identity[key] = strings[key];
  }
  return identity;
}

function stringsOnly(input: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (input && typeof input === 'object') {
    for (const [key, value] of Object.entries(input)) if (typeof value === 'string') out[key] = value;
  }
  return out;
}

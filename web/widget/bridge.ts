// The postMessage protocol between the loader (on the customer's page) and the chat frame (on Parley's
// origin). Both sides ignore anything not tagged with BRIDGE, because other scripts on the page use
// postMessage too.

export const BRIDGE = 'parley';

/** Who the visitor is, as vouched for by the customer's site (identifierHash is its HMAC of identifier). */
export interface Identity {
  identifier?: string;
  identifierHash?: string;
  name?: string;
  email?: string;
}

/** The page the widget is on and how the visitor got there: a campaign (UTM) or another site is kept as the contact's referral. */
export interface PageVisit {
  url: string;
  referrer: string;
}

type Tagged<T> = T extends unknown ? T & { source: typeof BRIDGE } : never;

export type HostMessage =
  /**
   * Answer to the frame's `ready`: the identity known so far, whether the panel is showing, and what the
   * frame last asked us to keep (see `persist`).
   */
  | { type: 'init'; identity: Identity; open: boolean; saved: Record<string, string> | null; page?: PageVisit }
  | { type: 'identify'; identity: Identity }
  | { type: 'visibility'; open: boolean };

export type FrameMessage =
  | { type: 'ready' }
  /** The inbox's look, so the launcher matches the frame. */
  | { type: 'config'; name: string; color: string | null }
  | { type: 'unread'; count: number }
  /** The visitor has a conversation: the loader preloads the frame on later pages so replies reach them. */
  | { type: 'active' }
  /** Values for the loader to keep in the site's storage, for browsers that deny the frame its own. */
  | { type: 'persist'; saved: Record<string, string> }
  | { type: 'close' };

export type HostToFrame = Tagged<HostMessage>;
export type FrameToHost = Tagged<FrameMessage>;

// The inbox a webhook or a delivery names, with its decrypted config, the workspace's channel gate and
// its settings, in one D1 read, kept per isolate for a few seconds: the webhook route and the INGEST
// consumer both need it for every message, and it changes rarely. A change made through the API
// forgets it at once in that isolate (forgetInbox / forgetWorkspaceInboxes); other isolates see it
// within INBOX_TTL_MS. Decrypted configs are cached by their ciphertext, so no AES per request.
import type { InboxContext } from '../channels/types';
import { decryptJson } from '../crypto/secrets';
import type { ChannelKey } from '../inboxes/channels';
import { rememberSettings } from '../workspaces/settings';

/** How long a loaded inbox is reused in an isolate that did not make the change itself. */
export const INBOX_TTL_MS = 10_000;
const loaded = new Map<string, { value: Promise<LoadedInbox | null>; until: number }>();

export interface LoadedInbox extends InboxContext {
  name: string;
  enabled: boolean;
  /** settings.knowledgeTags: the articles this inbox's suggestions and assistant use (empty: all). */
  knowledgeTags: string[];
  /** The workspace's enablement of this channel (the subscription gate). */
  channelEnabled: boolean;
}

const configs = new Map<string, Promise<Record<string, unknown>>>();

function decrypt(env: Env, sealed: string): Promise<Record<string, unknown>> {
  let hit = configs.get(sealed);
  if (!hit) {
    if (configs.size > 1000) configs.clear();
    hit = decryptJson<Record<string, unknown>>(env.ENCRYPTION_KEY, sealed);
    hit.catch(() => configs.delete(sealed));
    configs.set(sealed, hit);
  }
  return hit;
}

/** Channels are enabled unless the workspace switched them off (settings.channels[key] === false). */
export function channelEnabledIn(settings: Record<string, unknown> | null | undefined, channel: string): boolean {
  const channels = settings?.channels;
  if (!channels || typeof channels !== 'object') return true;
  return (channels as Record<string, unknown>)[channel] !== false;
}

export function publicUrl(env: Env): string {
  const configured = (env as unknown as { PUBLIC_URL?: string }).PUBLIC_URL;
  return (configured || 'http://127.0.0.1:8787').replace(/\/+$/, '');
}

type Row = { id: string; workspace_id: string; channel: string; name: string; enabled: number; config_encrypted: string; knowledge_tags: string | null; ws_settings: string | null };

/** The inbox (cached per isolate, see above); null when it does not exist. */
export function loadInbox(env: Env, inboxId: string): Promise<LoadedInbox | null> {
  const now = Date.now();
  const hit = loaded.get(inboxId);
  if (hit && hit.until > now) return hit.value;
  if (loaded.size > 2000) loaded.clear();
  const value = readInbox(env, inboxId);
  loaded.set(inboxId, { value, until: now + INBOX_TTL_MS });
  value.catch(() => loaded.delete(inboxId));
  return value;
}

/** An inbox was changed or deleted through the API: the next request reads it again. */
export function forgetInbox(inboxId: string): void {
  loaded.delete(inboxId);
}

/** The workspace's settings changed (the channel gate is among them): forget the loaded inboxes (rare; all of them is simplest). */
export function forgetLoadedInboxes(): void {
  loaded.clear();
}

async function readInbox(env: Env, inboxId: string): Promise<LoadedInbox | null> {
  const row = await env.DB.prepare(
    `SELECT i.id, i.workspace_id, i.channel, i.name, i.enabled, i.config_encrypted, json_extract(i.settings, '$.knowledgeTags') AS knowledge_tags, w.settings AS ws_settings
     FROM inboxes i JOIN workspaces w ON w.id = i.workspace_id WHERE i.id = ?`,
  )
    .bind(inboxId)
    .first<Row>();
  if (!row) return null;
  let settings: Record<string, unknown> = {};
  try {
    settings = row.ws_settings ? (JSON.parse(row.ws_settings) as Record<string, unknown>) : {};
  } catch {
    settings = {};
  }
  // The same row carries the workspace settings the consumer needs next: no second read for them.
  rememberSettings(env, row.workspace_id, settings);
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    channel: row.channel as ChannelKey,
    name: row.name,
    enabled: row.enabled === 1,
    channelEnabled: channelEnabledIn(settings, row.channel),
    knowledgeTags: stringList(row.knowledge_tags),
    config: await decrypt(env, row.config_encrypted),
    publicUrl: publicUrl(env),
  };
}

/** A JSON array of strings as stored (anything else reads as none). */
function stringList(raw: string | null): string[] {
  try {
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

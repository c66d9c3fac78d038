// Who is signed in and the workspace directory the UI needs everywhere: users (with presence),
// teams, tags and inboxes. Loaded once after login and refreshed when settings change them.
import { computed, signal } from '@preact/signals';
import { api, setUnauthorizedHandler } from '../lib/api';
import type { Inbox, Me, Tag, Team, User } from '../lib/types';
import { loadProfile } from './profile';

export const me = signal<Me | null>(null);
/** 'checking' until GET /api/me answers on boot. */
export const authState = signal<'checking' | 'in' | 'out'>('checking');
export const users = signal<User[]>([]);
export const teams = signal<Team[]>([]);
export const tags = signal<Tag[]>([]);
export const inboxes = signal<Inbox[]>([]);
/** userId → online/offline, from the live socket. */
export type Presence = 'online' | 'away' | 'offline';
export const presence = signal<Record<string, Presence>>({});

export const myId = computed(() => me.value?.user.id ?? '');
export const isManager = computed(() => me.value?.user.role === 'manager');
export const usersById = computed(() => new Map(users.value.map((u) => [u.id, u])));
export const teamsById = computed(() => new Map(teams.value.map((t) => [t.id, t])));
export const activeUsers = computed(() => users.value.filter((u) => !u.disabled));
/** Channels a manager switched off for the workspace (GET /api/channels); the rail hides them. */
export const disabledChannels = signal<Set<string>>(new Set());
/** The channels this workspace has inboxes for and has enabled, in a stable order. */
export const channels = computed(() => [...new Set(inboxes.value.map((i) => i.channel))].filter((c) => !disabledChannels.value.has(c)));
/** Managers and staff edit the knowledge base; the personal role does not see it. */
export const canEditKb = computed(() => me.value?.user.role === 'manager' || me.value?.user.role === 'staff');

setUnauthorizedHandler(() => {
  if (authState.value === 'in') {
    me.value = null;
    authState.value = 'out';
  }
});

export async function checkSession(): Promise<void> {
  try {
    me.value = await api<Me>('/me');
    authState.value = 'in';
    await Promise.all([loadDirectory(), loadProfile()]);
  } catch {
    authState.value = 'out';
  }
}

export async function login(email: string, password: string): Promise<void> {
  await api('/auth/login', { json: { email, password } });
  me.value = await api<Me>('/me');
  await Promise.all([loadDirectory(), loadProfile()]);
  authState.value = 'in';
}

export async function logout(): Promise<void> {
  try {
    await api('/auth/logout', { method: 'POST' });
  } finally {
    me.value = null;
    authState.value = 'out';
  }
}

export async function loadDirectory(): Promise<void> {
  const [u, t, g, i, ch] = await Promise.all([
    api<{ items: User[] }>('/users').catch(() => ({ items: [] as User[] })),
    api<{ items: Team[] }>('/teams').catch(() => ({ items: [] as Team[] })),
    api<{ items: Tag[] }>('/tags').catch(() => ({ items: [] as Tag[] })),
    api<{ items: Inbox[] }>('/inboxes').catch(() => ({ items: [] as Inbox[] })),
    api<{ items: { key: string; enabled: boolean }[] }>('/channels').catch(() => ({ items: [] as { key: string; enabled: boolean }[] })),
  ]);
  disabledChannels.value = new Set(ch.items.filter((c) => !c.enabled).map((c) => c.key));
  users.value = u.items;
  teams.value = t.items;
  tags.value = g.items;
  inboxes.value = i.items;
}

/** Whether the live socket is up, so that "not in the presence list" means offline. */
export const presenceKnown = signal(false);
/** An agent's presence, or null when we cannot know it (no live socket). */
export function presenceOf(id: string): Presence | null {
  return presence.value[id] ?? (presenceKnown.value ? 'offline' : null);
}

export function userName(id: string | null | undefined): string {
  if (!id) return 'Unassigned';
  return usersById.value.get(id)?.name ?? 'Unknown agent';
}

// The signed-in person's profile (GET /api/me/profile): the theme applied to <html data-theme>, the
// signature the composer appends per inbox, the time zone and language. The Worker already served the
// page with the saved theme (a cookie mirrors it), so applying it here changes nothing on a normal load.
import { signal } from '@preact/signals';
import { api } from '../lib/api';
import { display } from '../lib/format';

export type Theme = 'system' | 'light' | 'dark';

export interface Profile {
  id: string;
  email: string;
  name: string;
  role: string;
  timezone: string | null;
  language: string | null;
  theme: Theme;
  signatures: Record<string, string>;
  avatarHue: number | null;
  avatarUrl: string | null;
}

export const profile = signal<Profile | null>(null);

export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

function use(p: Profile): Profile {
  profile.value = p;
  applyTheme(p.theme);
  if (p.language) document.documentElement.lang = p.language;
  display.locale = p.language ?? undefined;
  return p;
}

export async function loadProfile(): Promise<void> {
  try {
    use(await api<Profile>('/me/profile'));
  } catch {
    // The profile is a nicety: without it the app follows the system theme and sends no signature.
  }
}

export async function saveProfile(patch: Partial<Omit<Profile, 'id' | 'email' | 'role' | 'avatarUrl'>> & { avatarKey?: string | null }): Promise<Profile> {
  return use(await api<Profile>('/me/profile', { method: 'PATCH', json: patch }));
}

/** The signature for replies sent from an inbox ('' when none). */
export function signatureFor(inboxId: string | null | undefined): string {
  return (inboxId && profile.value?.signatures[inboxId]) || '';
}

/** A reply's text with the signature after a blank line (nothing added to notes or when there is none). */
export function withSignature(text: string, signature: string): string {
  if (!signature) return text;
  return text ? `${text}\n\n${signature}` : signature;
}

// Snooze presets, computed when the menu opens (so "tomorrow" means tomorrow now).
import { whenText } from '../lib/wording';
export interface SnoozePreset {
  label: string;
  hint: string;
  at: number;
}

function at(days: number, hour: number): number {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setHours(hour, 0, 0, 0);
  return d.getTime();
}

export function snoozePresets(): SnoozePreset[] {
  const now = Date.now();
  // The same day-and-time words as the snoozed header ("tomorrow 09:00"), in the browser's locale.
  const fmt = (t: number) => whenText(t, now);
  const day = new Date().getDay();
  const toMonday = ((8 - day) % 7) || 7;
  const presets = [
    { label: '1 hour', at: now + 3600_000 },
    { label: '3 hours', at: now + 3 * 3600_000 },
    { label: 'Tomorrow morning', at: at(1, 9) },
    { label: 'Next Monday', at: at(toMonday, 9) },
    { label: 'In a week', at: at(7, 9) },
  ];
  return presets.map((p) => ({ ...p, hint: fmt(p.at) }));
}

/** Value for <input type="datetime-local"> in local time. */
export function toLocalInput(t: number): string {
  const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

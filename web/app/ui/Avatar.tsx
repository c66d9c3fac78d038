// Round initials (or a picture) with a stable colour per person, and an optional presence dot.
import { hue, initials } from '../lib/format';

export function Avatar({ name, seed, url, size = 32, presence, hue: chosen }: { name: string | null | undefined; seed?: string; url?: string | null; size?: number; presence?: 'online' | 'away' | 'offline' | null; hue?: number | null }) {
  // A colour the person chose in their profile, else one derived from their name.
  const h = chosen ?? hue(seed ?? name ?? '?');
  return (
    <span class="avatar" style={{ width: `${size}px`, height: `${size}px`, fontSize: `${Math.round(size * 0.4)}px`, '--h': String(h) }} aria-hidden="true">
      {url ? <img src={url} alt="" width={size} height={size} loading="lazy" referrerpolicy="no-referrer" /> : initials(name)}
      {presence ? <span class={`presence presence-${presence}`} /> : null}
    </span>
  );
}

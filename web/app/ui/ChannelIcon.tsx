// A small mark per channel in its brand's colour, so rows, messages and the rail show where a
// conversation comes from at a glance. The glyphs are hand-drawn simple shapes on a 24-unit grid (a
// speech bubble with a handset for WhatsApp, a paper plane for Telegram, a camera for Instagram …),
// not the brands' logo files: a few hundred bytes for all 22 in the initial bundle, where an icon
// package would add its own licence terms and several kilobytes per mark.
import type { ComponentChildren } from 'preact';
import { channelLabel } from '../lib/format';

/** Families of channels, in the order the rail shows them. */
export const CHANNEL_FAMILIES: [family: string, channels: string[]][] = [
  ['Messaging', ['whatsapp', 'sms', 'messenger', 'telegram', 'line']],
  ['Social', ['instagram', 'tiktok', 'review']],
  ['Booking', ['airbnb', 'bookingcom', 'vrbo', 'expedia']],
  ['Delivery', ['ubereats', 'doordash', 'rappi', 'glovo', 'deliveroo']],
  ['Voice', ['voice']],
  ['Digital', ['webchat', 'email', 'form', 'chatbot']],
];

export function channelFamily(channel: string): string {
  return CHANNEL_FAMILIES.find(([, list]) => list.includes(channel))?.[0] ?? 'Digital';
}

// [tile colour, glyph colour, glyph]. Stroked glyphs use the glyph colour as stroke; filled ones as fill.
const S = { fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' } as const;
const F = { fill: 'currentColor' } as const;
const bubble = 'M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4A1.5 1.5 0 0 1 4 14.5z';
const MARKS: Record<string, [string, string, ComponentChildren]> = {
  webchat: ['#2563eb', '#fff', <path {...S} d={bubble} />],
  whatsapp: [
    '#25d366',
    '#fff',
    <>
      <path {...S} d="M5.2 18.8 6.3 15A8 8 0 1 1 9 17.7z" />
      <path {...F} d="M9.3 8.2c.3-.4.8-.4 1 0l.6 1.3c.1.3 0 .6-.2.8l-.4.4c.5 1 1.3 1.8 2.3 2.3l.4-.4c.2-.2.5-.3.8-.2l1.3.6c.4.2.4.7 0 1-.7.7-1.7.9-2.6.5a7.4 7.4 0 0 1-3.7-3.7c-.4-.9-.2-1.9.5-2.6z" />
    </>,
  ],
  sms: [
    '#0891b2',
    '#fff',
    <>
      <path {...S} d={bubble} />
      <path {...F} d="M8 9.5a1 1 0 1 0 0 .01zM12 9.5a1 1 0 1 0 0 .01zM16 9.5a1 1 0 1 0 0 .01z" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
    </>,
  ],
  messenger: [
    '#0a7cff',
    '#fff',
    <>
      <path {...S} d="M12 3.5c-4.7 0-8.5 3.5-8.5 7.9 0 2.4 1.1 4.5 2.9 6v3.1l2.8-1.6c.9.3 1.8.4 2.8.4 4.7 0 8.5-3.5 8.5-7.9S16.7 3.5 12 3.5z" />
      <path {...S} d="m7.5 13.5 3-3.2 2.2 1.9 3.8-2.7-3 3.2-2.2-1.9z" />
    </>,
  ],
  instagram: [
    '#d62976',
    '#fff',
    <>
      <rect {...S} x="4" y="4" width="16" height="16" rx="4.5" />
      <circle {...S} cx="12" cy="12" r="3.6" />
      <path {...F} d="M16.8 6.2a1 1 0 1 0 0 2 1 1 0 0 0 0-2z" />
    </>,
  ],
  tiktok: ['#111', '#fff', <path {...S} d="M13.5 4v10.5a3.5 3.5 0 1 1-3.5-3.5M13.5 4c.4 2.4 2 4 4.5 4.2" />],
  telegram: [
    '#229ed9',
    '#fff',
    <>
      <path {...S} d="M20 4.5 3.5 11l5.5 2 2 6 3-4 4.5 3.5z" />
      <path {...S} d="m9 13 11-8.5" />
    </>,
  ],
  line: [
    '#06c755',
    '#fff',
    <>
      <path {...S} d="M12 4c-4.7 0-8.5 3-8.5 6.8 0 3.4 3 6.2 7.1 6.7l.4 2.5c.1.4.5.5.8.3 2.6-1.7 8.7-5.2 8.7-9.5C20.5 7 16.7 4 12 4z" />
      <path {...S} stroke-width="1.6" d="M7.5 8.8v3.6h1.7M11 8.8v3.6M13 12.4V8.8l2.4 3.6V8.8" />
    </>,
  ],
  email: [
    '#7c3aed',
    '#fff',
    <>
      <rect {...S} x="3.5" y="5.5" width="17" height="13" rx="2" />
      <path {...S} d="m4 7 8 6 8-6" />
    </>,
  ],
  voice: ['#ea580c', '#fff', <path {...S} d="M6.6 4h2.6l1.3 3.4-1.8 1.2a9.3 9.3 0 0 0 4.7 4.7l1.2-1.8 3.4 1.3v2.6A1.7 1.7 0 0 1 16.3 17 12.3 12.3 0 0 1 4.9 5.6 1.7 1.7 0 0 1 6.6 4z" />],
  airbnb: ['#ff385c', '#fff', <path {...S} d="M12 16.5c-1.6-2-3.2-4.4-3.2-6.1a3.2 3.2 0 0 1 6.4 0c0 1.7-1.6 4.1-3.2 6.1zm0 0c-1.7 2.1-3.4 3.3-4.9 3.3-1.8 0-3.1-1.6-2.4-3.6L9.5 5.8c.5-1.1 1.4-1.8 2.5-1.8s2 .7 2.5 1.8l4.8 10.4c.7 2-.6 3.6-2.4 3.6-1.5 0-3.2-1.2-4.9-3.3z" />],
  bookingcom: [
    '#003580',
    '#fff',
    <>
      <path {...S} stroke-width="2.2" d="M7 5h5a3 3 0 0 1 0 6H7zm0 6h5.8a3.3 3.3 0 0 1 0 6.6H7z" />
      <circle {...F} cx="19" cy="16.5" r="1.6" />
    </>,
  ],
  vrbo: [
    '#245abc',
    '#fff',
    <>
      <path {...S} d="M4 11.5 12 5l8 6.5" />
      <path {...S} d="M6.5 10v9h11v-9" />
      <path {...S} d="M10.5 19v-4.5h3V19" />
    </>,
  ],
  expedia: ['#fddb32', '#0a1f44', <path {...F} d="M19.6 4.4 4.3 10.1c-.6.2-.6 1 0 1.2l5.2 1.9 1.9 5.2c.2.6 1 .6 1.2 0l5.7-15.3c.2-.5-.3-.9-.7-.7zm-7 11.4-1.2-3.2 3.7-3.7-4.9 2.5-3.2-1.2 9.6-3.6z" />],
  ubereats: [
    '#06c167',
    '#10231a',
    <>
      <path {...S} d="M5.5 9h13l-1.3 10.5H6.8z" />
      <path {...S} d="M9 9V7.5a3 3 0 0 1 6 0V9" />
    </>,
  ],
  doordash: ['#ff3008', '#fff', <path {...F} d="M21.6 9.3A5.6 5.6 0 0 0 16.7 6.5H3.4a.4.4 0 0 0-.3.7l2.7 2.7c.2.3.6.4.9.4h9.2a1.6 1.6 0 1 1 0 3.2H9.6a.4.4 0 0 0-.3.7l2.7 2.7c.2.3.6.4.9.4h3.8c4.4 0 7.4-4.3 4.9-8z" />],
  rappi: [
    '#ff441f',
    '#fff',
    <>
      <path {...S} d="M5 11c1.8 2.6 4.3 3.9 7 3.9s5.2-1.3 7-3.9" />
      <path {...S} d="M4 9.5c1.6-.9 3.6-.8 5.5.6M20 9.5c-1.6-.9-3.6-.8-5.5.6" />
    </>,
  ],
  glovo: [
    '#ffc244',
    '#00694f',
    <>
      <path {...S} d="M12 20.5s-5.5-5.4-5.5-10a5.5 5.5 0 0 1 11 0c0 4.6-5.5 10-5.5 10z" />
      <circle {...S} cx="12" cy="10.3" r="2" />
    </>,
  ],
  deliveroo: ['#00ccbc', '#fff', <path {...F} d="M15.6 3.5 14.4 9 11.8 3.9 6.8 5l1.6 7.4-1.7 2.2 1 4.4 7.1 1.5 2.6-5.6L18.9 4.2zM12 13.7c-.4.2-.9.1-1.1-.3-.2-.4-.1-.9.3-1.1.4-.2.9 0 1.1.4.2.4 0 .8-.3 1zm3.5.5c-.5 0-.8-.5-.8-.9 0-.5.4-.8.9-.8.5 0 .8.4.8.9s-.4.8-.9.8z" />],
  form: [
    '#475569',
    '#fff',
    <>
      <rect {...S} x="5.5" y="4" width="13" height="16.5" rx="2" />
      <path {...S} d="M9 9h6M9 12.5h6M9 16h3.5" />
    </>,
  ],
  review: ['#d97706', '#fff', <path {...S} d="m12 4 2.4 5 5.4.6-4 3.7 1.1 5.3L12 16l-4.9 2.6 1.1-5.3-4-3.7 5.4-.6z" />],
  chatbot: [
    '#0e7490',
    '#fff',
    <>
      <rect {...S} x="5" y="8" width="14" height="11" rx="3" />
      <path {...S} d="M12 8V5M9.5 13v.5M14.5 13v.5M3 12.5v2.5M21 12.5v2.5" />
    </>,
  ],
};

export function ChannelIcon({ channel, size = 16, label = true }: { channel: string; size?: number; label?: boolean }) {
  const mark = MARKS[channel];
  return (
    <span
      class={`channel channel-${channel}`}
      style={{ width: `${size}px`, height: `${size}px`, ...(mark ? { background: mark[0], color: mark[1] } : {}) }}
      title={channelLabel(channel)}
      role={label ? 'img' : undefined}
      aria-label={label ? channelLabel(channel) : undefined}
      aria-hidden={label ? undefined : 'true'}
    >
      {mark ? (
        <svg viewBox="0 0 24 24" width={Math.round(size * 0.78)} height={Math.round(size * 0.78)} aria-hidden="true" focusable="false">
          {mark[2]}
        </svg>
      ) : (
        <b>{channelLabel(channel).slice(0, 1)}</b>
      )}
    </span>
  );
}

import * as v from 'valibot';
import { NOTIFY_CHANNELS, NOTIFY_KINDS } from './preferences';

const channelRow = v.strictObject(Object.fromEntries(NOTIFY_CHANNELS.map((ch) => [ch, v.optional(v.boolean())])) as Record<(typeof NOTIFY_CHANNELS)[number], v.OptionalSchema<v.BooleanSchema<undefined>, undefined>>);

/** A change to the table: any kinds, any channels of each; what is left out stays as it is. */
export const PreferencesBody = v.strictObject({
  preferences: v.strictObject(Object.fromEntries(NOTIFY_KINDS.map((k) => [k, v.optional(channelRow)])) as Record<(typeof NOTIFY_KINDS)[number], v.OptionalSchema<typeof channelRow, undefined>>),
});

export const MentionsQuery = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100))),
  before: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1))),
});

export const PUSH_PLATFORMS = ['ios', 'android'] as const;

export const PushTokenBody = v.object({
  platform: v.picklist(PUSH_PLATFORMS, 'must be ios or android'),
  /** APNs device tokens are hex, FCM registration tokens base64url-ish with ':'; both well under 4 KB. */
  token: v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9_:.\-]{16,4096}$/, 'must be a device push token')),
  deviceName: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100))),
});

/** base64url (padding tolerated) decoding to exactly `bytes` octets; `first` pins the leading octet. */
function b64urlOf(bytes: number, what: string, first?: number) {
  return v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9_-]+={0,2}$/, `must be base64url (${what})`),
    v.check((s) => {
      try {
        const bin = atob(s.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/'));
        return bin.length === bytes && (first === undefined || bin.charCodeAt(0) === first);
      } catch {
        return false;
      }
    }, `must be ${what}`),
  );
}

/** What PushSubscription.toJSON() gives in the browser. */
export const PushSubscriptionBody = v.object({
  endpoint: v.pipe(v.string(), v.trim(), v.maxLength(2048), v.regex(/^https:\/\/[^\s]+$/, 'must be an https:// URL')),
  expirationTime: v.optional(v.nullable(v.number())),
  keys: v.object({
    p256dh: b64urlOf(65, 'an uncompressed P-256 public key (65 bytes)', 4),
    auth: b64urlOf(16, 'a 16-byte auth secret'),
  }),
});

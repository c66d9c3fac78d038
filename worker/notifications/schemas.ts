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

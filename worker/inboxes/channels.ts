// The channel keys an inbox can have. Each channel's adapter (verify, parse, send, capabilities)
// lives under worker/channels/; this list is what inbox creation accepts.
export const CHANNEL_KEYS = [
  'webchat',
  'whatsapp',
  'sms',
  'messenger',
  'instagram',
  'tiktok',
  'telegram',
  'line',
  'email',
  'voice',
  'airbnb',
  'bookingcom',
  'vrbo',
  'expedia',
  'ubereats',
  'doordash',
  'rappi',
  'glovo',
  'deliveroo',
  'form',
  'review',
  'chatbot',
] as const;
export type ChannelKey = (typeof CHANNEL_KEYS)[number];

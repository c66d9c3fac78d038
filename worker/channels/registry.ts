// Every channel Parley speaks, by key: the only list the webhook routes, the consumers, the
// simulator and GET /api/channels read. Adding a channel is its adapter file plus one line here.
import type { ChannelKey } from '../inboxes/channels';
import { CHANNEL_KEYS } from '../inboxes/channels';
import { airbnb } from './airbnb';
import { bookingcom } from './bookingcom';
import { chatbot } from './chatbot';
import { deliveroo } from './deliveroo';
import { doordash } from './doordash';
import { email } from './email';
import { expedia } from './expedia';
import { form } from './form';
import { glovo } from './glovo';
import { instagram } from './instagram';
import { line } from './line';
import { messenger } from './messenger';
import { rappi } from './rappi';
import { review } from './review';
import { sms } from './sms';
import { telegram } from './telegram';
import { tiktok } from './tiktok';
import type { ChannelAdapter } from './types';
import { ubereats } from './ubereats';
import { voice } from './voice';
import { vrbo } from './vrbo';
import { webchat } from './webchat';
import { whatsapp } from './whatsapp';

export const ADAPTERS: Record<ChannelKey, ChannelAdapter> = {
  webchat,
  whatsapp,
  sms,
  messenger,
  instagram,
  tiktok,
  telegram,
  line,
  email,
  voice,
  airbnb,
  bookingcom,
  vrbo,
  expedia,
  ubereats,
  doordash,
  rappi,
  glovo,
  deliveroo,
  form,
  review,
  chatbot,
};

export function adapterFor(channel: string): ChannelAdapter | null {
  return (CHANNEL_KEYS as readonly string[]).includes(channel) ? ADAPTERS[channel as ChannelKey] : null;
}

/** Channels whose webhooks arrive over HTTP (email arrives through Email Workers; web chat over its socket). */
export function acceptsWebhooks(a: ChannelAdapter): boolean {
  return a.bodyFormat !== 'none' && typeof a.parse === 'function';
}

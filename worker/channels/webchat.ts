// The website chat widget: its own channel end to end (worker/webchat/), listed here so the registry
// shows it. Messages travel over the visitor's socket; there is no provider webhook or send API.
import { capabilities } from './common';
import type { ChannelAdapter } from './types';

export const webchat: ChannelAdapter = {
  key: 'webchat',
  label: 'Website chat',
  group: 'chat',
  provider: 'Parley widget',
  capabilities: capabilities({ media: true, deliveryReceipts: true, readReceipts: true }),
  configKeys: ['identitySecret'],
  bodyFormat: 'none',
};

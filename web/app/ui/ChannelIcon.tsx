// A small coloured mark per channel, so rows and messages show where a conversation comes from.
import { channelLabel } from '../lib/format';
import { Icon } from './Icon';

const GLYPH: Record<string, string> = { webchat: 'chat', email: 'mail', sms: 'phone', voice: 'phone', whatsapp: 'chat', form: 'file', chatbot: 'bot' };

export function ChannelIcon({ channel, size = 16, label = true }: { channel: string; size?: number; label?: boolean }) {
  const glyph = GLYPH[channel];
  return (
    <span class={`channel channel-${channel}`} style={{ width: `${size}px`, height: `${size}px` }} title={channelLabel(channel)} role={label ? 'img' : undefined} aria-label={label ? channelLabel(channel) : undefined} aria-hidden={label ? undefined : 'true'}>
      {glyph ? <Icon name={glyph} size={Math.round(size * 0.7)} /> : <b>{channelLabel(channel).slice(0, 1)}</b>}
    </span>
  );
}

// Message text comes from visitors and channels we don't control, so it is rendered as text nodes only.
// The one markup we add is links, and only for http(s) URLs, so a `javascript:` URL stays plain text.
import type { ComponentChildren } from 'preact';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
// Punctuation right after a URL usually ends the sentence, not the URL.
const TRAILING_PUNCTUATION = /[.,;:!?'")\]]+$/;

export function RichText({ text }: { text: string }) {
  const parts: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    const start = match.index;
    parts.push(
      text.slice(last, start),
      <a key={start} href={url} target="_blank" rel="noopener noreferrer nofollow">
        {url}
      </a>,
    );
    last = start + url.length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}

// Where a customer came from, as Meta's webhooks say it: a Click-to-WhatsApp ad (`messages[].referral`
// in the Cloud API), or a Messenger/Instagram ad, m.me link or chat plugin (`referral` on a message,
// a postback or a standalone messaging_referrals event). Kept as the contact's `referral` context, shown
// in the contact panel. The reference includes the customer, so two people answering one ad keep two
// referrals. Pure.
import type { ContextRecord } from './types';

const s = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 1000) : typeof v === 'number' ? String(v) : null);

/** WhatsApp Cloud API: messages[].referral {source_url, source_id, source_type, headline, body, media_type, image_url, video_url, ctwa_clid}. */
export function whatsappReferral(from: string, r: unknown): ContextRecord | null {
  if (!r || typeof r !== 'object') return null;
  const x = r as Record<string, unknown>;
  const id = s(x.source_id) ?? s(x.ctwa_clid) ?? s(x.source_url);
  if (!id) return null;
  return {
    kind: 'referral',
    reference: `${from}:${id}`,
    data: {
      source: s(x.source_type) === 'post' ? 'post' : 'ad',
      adId: s(x.source_type) === 'post' ? null : s(x.source_id),
      postId: s(x.source_type) === 'post' ? s(x.source_id) : null,
      headline: s(x.headline),
      body: s(x.body),
      url: s(x.source_url),
      mediaUrl: s(x.image_url) ?? s(x.video_url) ?? s(x.thumbnail_url),
      clickId: s(x.ctwa_clid),
    },
  };
}

/** Messenger / Instagram: referral {ref, ad_id, source: ADS|SHORTLINK|CUSTOMER_CHAT_PLUGIN…, type, referer_uri, ads_context_data {ad_title, photo_url, video_url, post_id}}. */
export function messengerReferral(sender: string, r: unknown): ContextRecord | null {
  if (!r || typeof r !== 'object') return null;
  const x = r as Record<string, unknown>;
  const ads = (x.ads_context_data && typeof x.ads_context_data === 'object' ? x.ads_context_data : {}) as Record<string, unknown>;
  const source = (s(x.source) ?? 'unknown').toLowerCase();
  const id = s(x.ad_id) ?? s(x.ref) ?? s(x.referer_uri);
  if (!id && source === 'unknown') return null;
  return {
    kind: 'referral',
    reference: `${sender}:${id ?? source}`,
    data: {
      source: source === 'ads' ? 'ad' : source === 'shortlink' ? 'link' : source === 'customer_chat_plugin' ? 'chat plugin' : source,
      adId: s(x.ad_id),
      postId: s(ads.post_id),
      headline: s(ads.ad_title),
      ref: s(x.ref),
      url: s(x.referer_uri),
      mediaUrl: s(ads.photo_url) ?? s(ads.video_url),
    },
  };
}

export interface PageVisit {
  url: string;
  referrer?: string | null;
}

const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;
const CLICK_IDS = ['gclid', 'fbclid', 'msclkid', 'ttclid'] as const;

/**
 * A website visit worth remembering as a referral: a page opened from a campaign (UTM or an ad click
 * id) or from another site. Browsing within the site (or a page without either) is not one. The
 * reference is the contact alone: the first such visit is kept (first-touch attribution), so a visitor
 * cannot pile up rows by inventing campaigns.
 */
export function pageReferral(contactId: string, visit: PageVisit): ContextRecord | null {
  let url: URL;
  try {
    url = new URL(visit.url);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  let referrer: URL | null = null;
  try {
    referrer = visit.referrer ? new URL(visit.referrer) : null;
  } catch {
    referrer = null;
  }
  const external = referrer && (referrer.protocol === 'https:' || referrer.protocol === 'http:') && referrer.host !== url.host ? referrer : null;
  const utm = Object.fromEntries(UTM.map((k) => [k.slice(4), s(url.searchParams.get(k))]).filter(([, v]) => v)) as Record<string, string>;
  const clickId = CLICK_IDS.find((k) => url.searchParams.get(k));
  if (!Object.keys(utm).length && !clickId && !external) return null;
  const landing = `${url.origin}${url.pathname}`;
  return {
    kind: 'referral',
    reference: contactId,
    data: {
      source: clickId === 'gclid' || clickId === 'msclkid' || clickId === 'fbclid' || clickId === 'ttclid' || utm.medium === 'cpc' || utm.medium === 'paid' ? 'ad' : Object.keys(utm).length ? 'campaign' : 'website',
      url: landing.slice(0, 1000),
      referrer: external ? `${external.origin}${external.pathname}`.slice(0, 1000) : null,
      utm: Object.keys(utm).length ? utm : null,
      clickId: clickId ?? null,
    },
  };
}

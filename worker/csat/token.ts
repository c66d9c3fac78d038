// Survey links: `<survey id>.<MAC>`, the MAC an HMAC (JWT_SECRET) over workspace, conversation and
// survey, so a link opens that one survey only and ids cannot be guessed into links. Deterministic:
// a redelivered close event builds the same link for the same survey (no token table needed).
import { hmacSha256, timingSafeEqual, toBase64Url } from '../crypto/bytes';

export interface SurveyRef {
  id: string;
  workspaceId: string;
  conversationId: string;
}

async function mac(secret: string, s: SurveyRef): Promise<string> {
  return toBase64Url(await hmacSha256(secret, `csat:v1:${s.workspaceId}:${s.conversationId}:${s.id}`)).slice(0, 32);
}

export async function surveyToken(secret: string, s: SurveyRef): Promise<string> {
  return `${s.id}.${await mac(secret, s)}`;
}

/** The survey id a token names (unverified: look the survey up, then `verifySurveyToken`). */
export function surveyIdOf(token: string): string | null {
  const m = /^(csv_[0-9A-Za-z]{10,40})\.([A-Za-z0-9_-]{32})$/.exec(token);
  return m ? m[1] : null;
}

export async function verifySurveyToken(secret: string, token: string, s: SurveyRef): Promise<boolean> {
  return timingSafeEqual(token, await surveyToken(secret, s));
}

/**
 * The survey message as stored and shown to the team carries `/csat/<survey id>` only: an agent who can
 * read the conversation must not hold a link that answers for the customer. The MAC is added on the way
 * out (the delivery consumer for provider channels; /widget/api/csat/:id for the web chat visitor),
 * bound to the conversation being delivered to, so an id from elsewhere yields a link that opens nothing.
 */
const UNSIGNED_LINK = /\/csat\/(csv_[0-9A-Za-z]{10,40})(?![0-9A-Za-z_.-])/g;

export function unsignedSurveyLink(origin: string, surveyId: string): string {
  return `${origin}/csat/${surveyId}`;
}

/** The survey ids the text's unsigned survey links name. */
export function unsignedSurveyIds(text: string): string[] {
  return [...text.matchAll(UNSIGNED_LINK)].map((m) => m[1]);
}

export async function signSurveyLinks(secret: string, text: string, to: { workspaceId: string; conversationId: string }): Promise<string> {
  const ids = unsignedSurveyIds(text);
  if (!ids.length) return text;
  const tokens = new Map<string, string>();
  for (const id of ids) tokens.set(id, await surveyToken(secret, { id, workspaceId: to.workspaceId, conversationId: to.conversationId }));
  return text.replace(UNSIGNED_LINK, (_, id: string) => `/csat/${tokens.get(id)}`);
}

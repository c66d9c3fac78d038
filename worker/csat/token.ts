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

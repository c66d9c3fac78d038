// The customer's side of CSAT, public (the link's token is the credential): the survey page, the
// survey as JSON (the widget's rating card reads it), the script the page loads, and the answer.
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import { clientAddress, countAttempt } from '../auth/rate-limit';
import { conversationStub } from '../conversations/service';
import { Problem } from '../http/problem';
import { baseHeaders, htmlResponse } from '../http/security-headers';
import { valid } from '../http/validate';
import { pickLanguage, strings, type Language } from './i18n';
import { CSAT_SCRIPT, CSAT_STYLE, csatPageHtml, optionLabel } from './page';
import { csatOf, SCALE_VALUES, scoreProblem } from './scale';
import { acceptsResponse, storeResponse, surveyById, type Survey } from './surveys';
import { surveyIdOf, verifySurveyToken } from './token';

type PublicEnv = { Bindings: Env };

/** Answers per client address per 15 minutes (a page's worth of retries, far below a flood). */
const ANSWERS_PER_WINDOW = 60;

const TokenParam = v.object({ token: v.pipe(v.string(), v.maxLength(200)) });
export const CsatAnswer = v.object({
  score: v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(0), v.maxValue(5)),
  comment: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(2000)))),
});

export const csatPublicRoutes = new Hono<PublicEnv>();

/** The survey a token opens, or null (unknown id, or a MAC that does not match). */
async function surveyOfToken(env: Env, token: string): Promise<Survey | null> {
  const id = surveyIdOf(token);
  const survey = id ? await surveyById(env.DB, id) : null;
  return survey && (await verifySurveyToken(env.JWT_SECRET, token, survey)) ? survey : null;
}

function languageFor(c: Context<PublicEnv>, survey: Survey | null): Language {
  return survey?.language ?? pickLanguage(c.req.query('lang'), c.req.header('accept-language'));
}

csatPublicRoutes.get('/assets/page.js', (c) => {
  return new Response(CSAT_SCRIPT, { headers: { 'content-type': 'text/javascript; charset=UTF-8', 'cache-control': 'public, max-age=300', ...baseHeaders(c.req.url) } });
});

csatPublicRoutes.get(
  '/:token/survey',
  describeRoute({
    tags: ['csat'],
    summary: 'A CSAT survey as JSON (public, by its link token): scale, texts in the customer language, the current answer',
    description: 'What the web chat rating card renders. 404 for an unknown or altered token.',
    security: [],
  }),
  valid('param', TokenParam),
  async (c) => {
    const survey = await surveyOfToken(c.env, c.req.valid('param').token);
    if (!survey) throw Problem.notFound('Survey');
    const lang = languageFor(c, survey);
    const t = strings(lang);
    return c.json({
      scale: survey.scale,
      language: lang,
      question: survey.question ?? t.question,
      commentPrompt: survey.commentPrompt ?? t.commentPrompt,
      options: SCALE_VALUES[survey.scale].map((raw) => ({ value: raw, ...optionLabel(survey.scale, raw, t) })),
      response: survey.rawScore === null ? null : { score: survey.rawScore, comment: survey.comment, at: survey.respondedAt },
      editable: acceptsResponse(survey, Date.now()),
      texts: { submit: t.submit, thanks: t.thanks, closed: t.closed, invalid: t.invalid },
    });
  },
);

// The page is HTML for people (not part of the JSON API description).
csatPublicRoutes.get('/:token', async (c) => {
  const token = c.req.param('token');
  const survey = token.length <= 200 ? await surveyOfToken(c.env, token) : null;
  const lang = languageFor(c, survey);
  if (!survey) {
    const t = strings(lang);
    const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>404</title><style>${CSAT_STYLE}</style></head><body><main><h1>404</h1><p>${t.closed}</p></main></body></html>`;
    return htmlResponse(c.req.url, html, { styles: [CSAT_STYLE] }, 404);
  }
  return htmlResponse(c.req.url, csatPageHtml(survey, token, lang, acceptsResponse(survey, Date.now())), { styles: [CSAT_STYLE] });
});

csatPublicRoutes.post(
  '/:token',
  describeRoute({
    tags: ['csat'],
    summary: 'Answer a CSAT survey (public, by its link token)',
    description:
      'score on the survey scale (stars5/emoji5: 1–5; thumbs: 0|1), optional comment. One response per survey: a later one replaces it within 24 h of the first, then 409. 404 for an unknown or altered token.',
    security: [],
  }),
  valid('param', TokenParam),
  valid('json', CsatAnswer),
  async (c) => {
    await countAttempt(c.env.DB, `csat:${clientAddress(c.env, c.req.raw)}`, ANSWERS_PER_WINDOW);
    const survey = await surveyOfToken(c.env, c.req.valid('param').token);
    if (!survey) throw Problem.notFound('Survey');
    const body = c.req.valid('json');
    const bad = scoreProblem(survey.scale, body.score);
    if (bad) throw Problem.badRequest('score', bad);
    const now = Date.now();
    const closed = () => Problem.conflict('This survey was answered more than 24 hours ago and can no longer be changed');
    if (!acceptsResponse(survey, now)) throw closed();
    const csat = csatOf(survey.scale, body.score, body.comment || null, now, 'survey');
    if (!(await storeResponse(c.env.DB, survey, { score: csat.score, raw: csat.raw, comment: csat.comment }, now))) throw closed();
    const replaced = survey.firstRespondedAt !== null;
    await conversationStub(c.env, survey.workspaceId, survey.conversationId).recordCsat({ csat, surveyId: survey.id, actor: { type: 'contact', id: survey.contactId, name: null } });
    return c.json({ score: csat.raw, normalized: csat.score, comment: csat.comment, replaced }, replaced ? 200 : 201);
  },
);

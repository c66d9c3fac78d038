// The CSAT survey inside the chat: the team's survey message (external id `csat:…`, its text naming
// the survey) shows as a rating card instead. The message carries no credential (the team reads it
// too): the card asks for the signed token with the visitor's own token, reads the survey by it and
// answers on the same public endpoint the survey page uses; a later answer replaces the first within 24 h.
import { useEffect, useState } from 'preact/hooks';
import type { Message } from '../../../worker/conversations/model';
import { RichText } from './RichText';
import { surveyToken } from './store';

interface Survey {
  scale: 'stars5' | 'thumbs' | 'emoji5';
  question: string;
  commentPrompt: string;
  options: { value: number; face: string; label: string }[];
  response: { score: number; comment: string | null } | null;
  editable: boolean;
  texts: { submit: string; thanks: string; closed: string; invalid: string };
}

const SURVEY = /\/csat\/(csv_[0-9A-Za-z]+)/;

export function isCsatMessage(m: Message): boolean {
  return m.authorType === 'system' && !!m.externalId?.startsWith('csat:') && SURVEY.test(m.text);
}

export function CsatCard({ message }: { message: Message }) {
  const surveyId = SURVEY.exec(message.text)![1];
  const [token, setToken] = useState<string | null>(null);
  const [survey, setSurvey] = useState<Survey | null>(null);
  const [failed, setFailed] = useState(false);
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [status, setStatus] = useState('');

  useEffect(() => {
    surveyToken(surveyId)
      .then((t) => {
        setToken(t);
        return fetch(`/csat/${encodeURIComponent(t)}/survey`);
      })
      .then((res) => (res.ok ? (res.json() as Promise<Survey>) : Promise.reject(new Error(String(res.status)))))
      .then((s) => {
        setSurvey(s);
        setScore(s.response?.score ?? null);
        setComment(s.response?.comment ?? '');
      })
      .catch(() => setFailed(true));
  }, [surveyId]);

  // Without the survey (offline, or it is gone) the message still offers its link.
  if (failed) {
    return (
      <p class="pw-system">
        <RichText text={message.text} />
      </p>
    );
  }
  if (!survey) return <div class="pw-csat" aria-busy="true" />;

  async function submit(e: Event) {
    e.preventDefault();
    if (score === null) return setStatus(survey!.texts.invalid);
    const res = await fetch(`/csat/${encodeURIComponent(token!)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ score, comment: comment.trim() || undefined }),
    }).catch(() => null);
    if (res?.ok) setStatus(survey!.texts.thanks);
    else if (res?.status === 409) setStatus(survey!.texts.closed);
    else setStatus(survey!.texts.invalid);
  }

  return (
    <form class="pw-csat" onSubmit={submit}>
      <fieldset disabled={!survey.editable}>
        <legend>{survey.question}</legend>
        <div class="pw-csat-options">
          {survey.options.map((o) => (
            <button
              key={o.value}
              type="button"
              class={`pw-csat-option${score === o.value ? ' pw-csat-chosen' : ''}`}
              aria-pressed={score === o.value}
              aria-label={o.label}
              title={o.label}
              onClick={() => setScore(o.value)}
            >
              {o.face}
            </button>
          ))}
        </div>
        <label class="pw-csat-comment">
          {survey.commentPrompt}
          <textarea maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
        </label>
        <button type="submit" class="pw-csat-submit">
          {survey.texts.submit}
        </button>
      </fieldset>
      <p class="pw-status" role="status">
        {status || (!survey.editable ? survey.texts.closed : '')}
      </p>
    </form>
  );
}

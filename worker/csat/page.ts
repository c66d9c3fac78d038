// GET /csat/:token: the survey page a customer opens from an SMS, WhatsApp or e-mail message. Plain
// HTML in the customer's language with one inline style block (allowed by hash) and one script file
// (/csat/assets/page.js, same origin): no framework, nothing inline the CSP would have to trust. The
// form works by radio buttons; the script sends it as JSON and shows the answer.
import { strings, type Language, type Strings } from './i18n';
import { optionLabel } from './options';
import { SCALE_VALUES, type Scale } from './scale';
import type { Survey } from './surveys';

function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const CSAT_STYLE = `
  :root { color-scheme: light dark; font: 17px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; display: grid; place-items: center; min-height: 100vh; background: #f4f5f7; }
  @media (prefers-color-scheme: dark) { body { background: #15181d; } main { background: #1f242b; } }
  main { max-width: 30rem; width: calc(100% - 2rem); padding: 1.5rem; border-radius: 12px; background: #fff; box-shadow: 0 2px 12px #0002; }
  h1 { font-size: 1.25rem; margin: 0 0 1rem; }
  fieldset { border: 0; padding: 0; margin: 0 0 1rem; display: flex; gap: .5rem; flex-wrap: wrap; }
  label.opt { flex: 1; min-width: 3rem; text-align: center; border: 2px solid #8885; border-radius: 10px; padding: .6rem .2rem; cursor: pointer; font-size: 1.5rem; }
  label.opt:has(input:checked) { border-color: #0e6ba8; background: #0e6ba822; }
  label.opt input { position: absolute; opacity: 0; }
  label.opt input:focus-visible + span { outline: 2px solid #0e6ba8; outline-offset: 4px; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  textarea { width: 100%; box-sizing: border-box; min-height: 5rem; font: inherit; margin: .3rem 0 1rem; }
  button { font: inherit; padding: .5rem 1.4rem; border: 0; border-radius: 8px; background: #0e6ba8; color: #fff; cursor: pointer; }
  p[role=status] { min-height: 1.5em; }
`;

/** The page's script (served as a file): posts the chosen score as JSON and shows the outcome. */
export const CSAT_SCRIPT = `
(function () {
  var form = document.getElementById('csat');
  if (!form) return;
  var status = document.getElementById('status');
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var chosen = form.querySelector('input[name=score]:checked');
    if (!chosen) { status.textContent = form.dataset.invalid; return; }
    var body = { score: Number(chosen.value) };
    var comment = form.querySelector('textarea').value.trim();
    if (comment) body.comment = comment;
    fetch('/csat/' + encodeURIComponent(form.dataset.token), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) {
        if (res.ok) status.textContent = form.dataset.thanks;
        else if (res.status === 409) status.textContent = form.dataset.closed;
        else return res.json().then(function (p) { status.textContent = p.detail || p.title; });
      })
      .catch(function () { status.textContent = form.dataset.invalid; });
  });
})();
`;

export { optionLabel };

export function csatPageHtml(survey: Survey, token: string, lang: Language, editable: boolean): string {
  const t = strings(lang);
  const question = survey.question ?? t.question;
  const prompt = survey.commentPrompt ?? t.commentPrompt;
  const options = SCALE_VALUES[survey.scale]
    .map((raw) => {
      const { face, label } = optionLabel(survey.scale, raw, t);
      const checked = survey.rawScore === raw ? ' checked' : '';
      return `<label class="opt"><input type="radio" name="score" value="${raw}"${checked}><span aria-hidden="true">${face}</span><span class="sr">${esc(label)}</span></label>`;
    })
    .join('');
  const body = editable
    ? `<form id="csat" data-token="${esc(token)}" data-thanks="${esc(t.thanks)}" data-closed="${esc(t.closed)}" data-invalid="${esc(t.invalid)}">
<fieldset><legend class="sr">${esc(question)}</legend>${options}</fieldset>
<label for="comment">${esc(prompt)}</label>
<textarea id="comment" name="comment" maxlength="2000">${esc(survey.comment ?? '')}</textarea>
<button type="submit">${esc(t.submit)}</button>
<p id="status" role="status"></p>
</form>`
    : `<p role="status">${esc(survey.rawScore !== null ? t.thanks : t.closed)}</p>`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(question)}</title>
<style>${CSAT_STYLE}</style>
<script src="/csat/assets/page.js" defer></script>
</head>
<body>
<main>
<h1>${esc(question)}</h1>
${body}
</main>
</body>
</html>`;
}

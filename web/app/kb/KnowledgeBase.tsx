// The knowledge base (managers and staff): sources the AI answers from. A filterable list on the left;
// on the right the rich-text editor (title, category, tags, body), publish toggle, version history with
// a diff of each version and restore, and imports (a web page by URL, a .txt/.md/.html file).
// Edits carry the version they started from, so a concurrent save answers 409 instead of being lost.
import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, ApiError, errorText } from '../lib/api';
import { fullDateTime, relativeTime } from '../lib/format';
import { navigate } from '../lib/router';
import { KB_PATH } from '../state/route';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';
import { Modal } from '../ui/Modal';
import { HistoryPanel } from './History';
import { RichEditor } from './RichEditor';

export interface Article {
  id: string;
  kind: 'article' | 'qa' | 'file' | 'url';
  title: string;
  body?: string;
  bodyText?: string;
  excerpt?: string;
  categoryId: string | null;
  tags: string[];
  status: 'draft' | 'published';
  sourceUrl: string | null;
  sourceName: string | null;
  version: number;
  updatedAt: number;
  publishedAt: number | null;
}

export interface Category {
  id: string;
  name: string;
  articleCount: number;
}

const KIND_LABEL: Record<string, string> = { article: 'Article', qa: 'Q&A', file: 'File', url: 'Web page' };

const categories = signal<Category[]>([]);
/** Bumped after a save, so the list reloads. */
const listVersion = signal(0);

async function loadCategories() {
  try {
    categories.value = (await api<{ items: Category[] }>('/kb/categories')).items;
  } catch {
    // the filter just has no categories
  }
}

export function KnowledgeBase({ articleId }: { articleId: string | null }) {
  useEffect(() => {
    void loadCategories();
    document.title = 'Knowledge base · Parley';
    return () => (document.title = 'Parley');
  }, []);
  return (
    <div class={`kb${articleId ? ' has-article' : ''}`}>
      <ArticleList selected={articleId} />
      {articleId ? (
        <Editor key={articleId} id={articleId} />
      ) : (
        <section class="kb-main kb-empty" aria-label="No article open">
          <Icon name="file" size={40} />
          <h2>Knowledge base</h2>
          <p class="muted">Pick an article, or write a new one. Published articles are what suggested replies and the AI assistant answer from.</p>
          <a class="btn btn-primary" href={`${KB_PATH}/new`}>
            <Icon name="plus" size={16} /> New article
          </a>
        </section>
      )}
    </div>
  );
}

function ArticleList({ selected }: { selected: string | null }) {
  const q = useSignal('');
  const status = useSignal('');
  const kind = useSignal('');
  const categoryId = useSignal('');
  const items = useSignal<Article[] | null>(null);
  const next = useSignal<string | null>(null);
  const importing = useSignal(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const seq = useRef(0);

  async function load(cursor?: string) {
    const n = ++seq.current;
    try {
      const res = await api<{ items: Article[]; nextCursor: string | null }>('/kb/articles', {
        query: { q: q.value.trim(), status: status.value, kind: kind.value, categoryId: categoryId.value, cursor, limit: 50 },
      });
      if (n !== seq.current) return;
      items.value = cursor ? [...(items.value ?? []), ...res.items] : res.items;
      next.value = res.nextCursor;
    } catch (err) {
      if (n === seq.current) toast(`Could not load the knowledge base: ${errorText(err)}`, 'error');
    }
  }
  useEffect(() => {
    const t = setTimeout(() => void load(), q.value ? 200 : 0);
    return () => clearTimeout(t);
  }, [q.value, status.value, kind.value, categoryId.value, listVersion.value]);

  async function upload(file: File) {
    try {
      const a = await api<Article>('/kb/files', { query: { name: file.name }, body: file, headers: { 'content-type': file.type || 'text/plain' } });
      toast(`Imported “${a.title}” as a draft`, 'success');
      listVersion.value++;
      navigate(`${KB_PATH}/${a.id}`);
    } catch (err) {
      toast(`Could not import ${file.name}: ${errorText(err)}`, 'error');
    }
  }

  return (
    <section class="kb-list" aria-label="Articles">
      <header class="kb-list-head">
        <h1>Knowledge base</h1>
        <a class="btn btn-sm btn-primary" href={`${KB_PATH}/new`}>
          <Icon name="plus" size={15} /> New
        </a>
      </header>
      <div class="kb-filters">
        <label class="sr-only" for="kb-search">
          Search articles
        </label>
        <input id="kb-search" class="picker-search" type="search" placeholder="Search titles and text…" value={q.value} onInput={(e) => (q.value = e.currentTarget.value)} />
        <div class="kb-filter-row">
          <select aria-label="Status" value={status.value} onChange={(e) => (status.value = e.currentTarget.value)}>
            <option value="">Any status</option>
            <option value="published">Published</option>
            <option value="draft">Draft</option>
          </select>
          <select aria-label="Kind" value={kind.value} onChange={(e) => (kind.value = e.currentTarget.value)}>
            <option value="">Any kind</option>
            {Object.entries(KIND_LABEL).map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </select>
          <select aria-label="Category" value={categoryId.value} onChange={(e) => (categoryId.value = e.currentTarget.value)}>
            <option value="">Any category</option>
            {categories.value.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.articleCount})
              </option>
            ))}
          </select>
        </div>
        <div class="kb-filter-row">
          <button type="button" class="btn btn-sm btn-ghost" onClick={() => (importing.value = true)}>
            <Icon name="globe" size={15} /> Import URL
          </button>
          <button type="button" class="btn btn-sm btn-ghost" onClick={() => fileInput.current?.click()}>
            <Icon name="clip" size={15} /> Upload file
          </button>
          <CategoryButton />
          <input
            ref={fileInput}
            type="file"
            accept=".txt,.md,.markdown,.html,.htm,text/plain,text/markdown,text/html"
            hidden
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              if (f) void upload(f);
              e.currentTarget.value = '';
            }}
          />
        </div>
      </div>
      <ul class="kb-items">
        {items.value === null
          ? [0, 1, 2, 3].map((i) => (
              <li key={i} class="kb-item-sk">
                <div class="sk sk-line" style={{ width: '70%' }} />
                <div class="sk sk-line" style={{ width: '90%' }} />
              </li>
            ))
          : items.value.map((a) => (
              <li key={a.id}>
                <a href={`${KB_PATH}/${a.id}`} class={`kb-item${a.id === selected ? ' active' : ''}`} aria-current={a.id === selected ? 'page' : undefined}>
                  <span class="kb-item-top">
                    <span class="kb-item-title">{a.title}</span>
                    <span class={`kb-status kb-${a.status}`}>{a.status === 'published' ? 'Published' : 'Draft'}</span>
                  </span>
                  <span class="kb-item-text">{a.excerpt}</span>
                  <span class="kb-item-meta">
                    {KIND_LABEL[a.kind] ?? a.kind}
                    {a.categoryId ? ` · ${categories.value.find((c) => c.id === a.categoryId)?.name ?? ''}` : ''} · v{a.version} · {relativeTime(a.updatedAt)}
                  </span>
                </a>
              </li>
            ))}
        {items.value?.length === 0 ? <li class="muted kb-none">No articles match.</li> : null}
      </ul>
      {next.value ? (
        <button type="button" class="link kb-more" onClick={() => void load(next.value!)}>
          Load more
        </button>
      ) : null}
      {importing.value ? <ImportUrl onClose={() => (importing.value = false)} /> : null}
    </section>
  );
}

function CategoryButton() {
  const open = useSignal(false);
  const name = useSignal('');
  const error = useSignal('');
  return (
    <>
      <button type="button" class="btn btn-sm btn-ghost" onClick={() => (open.value = true)}>
        <Icon name="tag" size={15} /> Categories
      </button>
      {open.value ? (
        <Modal title="Categories" onClose={() => (open.value = false)}>
          <ul class="kb-cats">
            {categories.value.map((c) => (
              <li key={c.id}>
                <span>{c.name}</span>
                <span class="muted small">{c.articleCount} articles</span>
                <button
                  type="button"
                  class="btn-icon tiny"
                  aria-label={`Delete category ${c.name}`}
                  onClick={async () => {
                    if (!confirm(`Delete “${c.name}”? Its articles stay, uncategorized.`)) return;
                    try {
                      await api(`/kb/categories/${c.id}`, { method: 'DELETE' });
                      await loadCategories();
                    } catch (err) {
                      toast(errorText(err), 'error');
                    }
                  }}
                >
                  <Icon name="trash" size={14} />
                </button>
              </li>
            ))}
            {categories.value.length === 0 ? <li class="muted">No categories yet.</li> : null}
          </ul>
          <form
            class="form inline-form"
            onSubmit={async (e) => {
              e.preventDefault();
              try {
                await api('/kb/categories', { json: { name: name.value.trim() } });
                name.value = '';
                error.value = '';
                await loadCategories();
              } catch (err) {
                error.value = err instanceof ApiError ? (err.field('name') ?? errorText(err)) : errorText(err);
              }
            }}
          >
            <label class="field grow">
              <span>New category</span>
              <input value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} maxLength={80} />
            </label>
            <div class="form-actions">
              <button type="submit" class="btn btn-primary" disabled={!name.value.trim()}>
                Add
              </button>
            </div>
          </form>
          {error.value ? <p class="form-error">{error.value}</p> : null}
        </Modal>
      ) : null}
    </>
  );
}

function ImportUrl({ onClose }: { onClose: () => void }) {
  const url = useSignal('https://');
  const busy = useSignal(false);
  const error = useSignal('');
  return (
    <Modal title="Import a web page" onClose={onClose}>
      <form
        class="form"
        onSubmit={async (e) => {
          e.preventDefault();
          busy.value = true;
          error.value = '';
          try {
            const a = await api<Article>('/kb/import-url', { json: { url: url.value.trim() } });
            toast(`Imported “${a.title}” as a draft`, 'success');
            listVersion.value++;
            onClose();
            navigate(`${KB_PATH}/${a.id}`);
          } catch (err) {
            error.value = errorText(err);
          } finally {
            busy.value = false;
          }
        }}
      >
        <label class="field">
          <span>Page address</span>
          <input type="url" required value={url.value} onInput={(e) => (url.value = e.currentTarget.value)} />
        </label>
        <p class="muted small">The page is fetched, cleaned to text and kept as a draft you can edit and publish. It can be fetched again later.</p>
        {error.value ? (
          <p class="form-error" role="alert">
            {error.value}
          </p>
        ) : null}
        <div class="modal-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy.value}>
            {busy.value ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function Editor({ id }: { id: string }) {
  const isNew = id === 'new';
  const article = useSignal<Article | null>(null);
  const loadError = useSignal('');
  const title = useSignal('');
  const categoryId = useSignal('');
  const tagText = useSignal('');
  const html = useSignal('');
  const dirty = useSignal(false);
  const busy = useSignal(false);
  const conflict = useSignal(false);
  const errors = useSignal<Record<string, string>>({});
  const tab = useSignal<'edit' | 'history'>('edit');
  /** Bumped to put new content into the editor (load, reload, restore). */
  const revision = useSignal(0);

  function fill(a: Article) {
    article.value = a;
    title.value = a.title;
    categoryId.value = a.categoryId ?? '';
    tagText.value = a.tags.join(', ');
    html.value = a.body ?? '';
    dirty.value = false;
    conflict.value = false;
    errors.value = {};
    revision.value++;
  }

  async function load() {
    try {
      fill(await api<Article>(`/kb/articles/${id}`));
    } catch (err) {
      loadError.value = errorText(err);
    }
  }
  useEffect(() => {
    if (isNew) revision.value++;
    else void load();
  }, [id]);

  const tags = () =>
    tagText.value
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);

  function fail(err: unknown) {
    if (err instanceof ApiError && err.status === 409) {
      conflict.value = true;
      return;
    }
    if (err instanceof ApiError && err.errors.length) {
      errors.value = Object.fromEntries(err.errors.map((e) => [e.field.split('.')[0], e.message]));
    }
    toast(`Could not save: ${errorText(err)}`, 'error');
  }

  async function save(extra: { status?: 'draft' | 'published' } = {}) {
    busy.value = true;
    errors.value = {};
    try {
      if (isNew) {
        const a = await api<Article>('/kb/articles', { json: { title: title.value, body: html.value, categoryId: categoryId.value || null, tags: tags(), status: extra.status ?? 'draft' } });
        listVersion.value++;
        toast('Article created', 'success');
        navigate(`${KB_PATH}/${a.id}`, { replace: true });
        return;
      }
      const a = article.value!;
      const patch: Record<string, unknown> = { baseVersion: a.version, ...extra };
      if (dirty.value) Object.assign(patch, { title: title.value, body: html.value, categoryId: categoryId.value || null, tags: tags() });
      fill(await api<Article>(`/kb/articles/${a.id}`, { method: 'PATCH', json: patch }));
      listVersion.value++;
      void loadCategories();
      toast(extra.status === 'published' ? 'Published' : extra.status === 'draft' ? 'Unpublished: back to draft' : 'Saved', 'success');
    } catch (err) {
      fail(err);
    } finally {
      busy.value = false;
    }
  }

  async function remove() {
    const a = article.value;
    if (!a || !confirm(`Delete “${a.title}” and its history? Replies stop citing it.`)) return;
    try {
      await api(`/kb/articles/${a.id}`, { method: 'DELETE' });
      listVersion.value++;
      toast('Article deleted', 'success');
      navigate(KB_PATH);
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }

  if (loadError.value)
    return (
      <section class="kb-main kb-empty" aria-label="Article">
        <Icon name="alert" size={32} />
        <p>{loadError.value}</p>
        <a class="btn" href={KB_PATH}>
          Back to the list
        </a>
      </section>
    );
  const a = article.value;
  if (!isNew && !a)
    return (
      <section class="kb-main" aria-label="Loading the article" aria-busy="true">
        <div class="sk sk-line" style={{ width: '50%', height: '28px' }} />
        <div class="sk sk-bubble" />
      </section>
    );
  const published = a?.status === 'published';
  const input = () => (dirty.value = true);
  return (
    <section class="kb-main" aria-label={isNew ? 'New article' : `Article: ${a!.title}`}>
      <header class="kb-head">
        <a href={KB_PATH} class="btn-icon back" aria-label="Back to the list">
          <Icon name="left" />
        </a>
        <h2 class="kb-title">{isNew ? 'New article' : a!.title}</h2>
        {a ? (
          <span class="muted small kb-ver" title={fullDateTime(a.updatedAt)}>
            v{a.version} · saved {relativeTime(a.updatedAt)}
          </span>
        ) : null}
        <span class="spacer" />
        {a ? (
          <label class="switch">
            <input type="checkbox" role="switch" checked={published} disabled={busy.value || conflict.value} onChange={() => void save({ status: published ? 'draft' : 'published' })} />
            <span class="switch-track" aria-hidden="true" />
            <span>Published</span>
          </label>
        ) : null}
        {a ? (
          <button type="button" class="btn-icon" aria-label="Delete article" title="Delete" onClick={() => void remove()}>
            <Icon name="trash" />
          </button>
        ) : null}
      </header>
      {conflict.value ? (
        <div class="kb-conflict" role="alert">
          <Icon name="alert" size={16} />
          <span>This article was changed elsewhere — reload to get the latest version (your unsaved edits here will be replaced).</span>
          <button type="button" class="btn btn-sm" onClick={() => void load()}>
            Reload
          </button>
        </div>
      ) : null}
      {a ? (
        <div class="tabs kb-tabs" role="tablist" aria-label="Article">
          <button type="button" role="tab" id="kb-tab-edit" aria-selected={tab.value === 'edit'} aria-controls="kb-panel" class={`tab${tab.value === 'edit' ? ' active' : ''}`} onClick={() => (tab.value = 'edit')}>
            Edit
          </button>
          <button type="button" role="tab" id="kb-tab-history" aria-selected={tab.value === 'history'} aria-controls="kb-panel" class={`tab${tab.value === 'history' ? ' active' : ''}`} onClick={() => (tab.value = 'history')}>
            History
          </button>
        </div>
      ) : null}
      <div id="kb-panel" class="kb-panel" role={a ? 'tabpanel' : undefined} aria-labelledby={a ? `kb-tab-${tab.value}` : undefined}>
        {tab.value === 'history' && a ? (
          <HistoryPanel article={a} onRestored={(next) => (fill(next), (listVersion.value += 1), (tab.value = 'edit'))} />
        ) : (
          <form
            class="form kb-form"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            {a?.sourceUrl || a?.sourceName ? (
              <p class="muted small">
                <Icon name={a.sourceUrl ? 'globe' : 'file'} size={13} /> Imported from{' '}
                {a.sourceUrl ? (
                  <a href={a.sourceUrl} target="_blank" rel="noopener noreferrer">
                    {a.sourceUrl}
                  </a>
                ) : (
                  a.sourceName
                )}
              </p>
            ) : null}
            <label class="field">
              <span>Title</span>
              <input value={title.value} onInput={(e) => ((title.value = e.currentTarget.value), input())} maxLength={300} aria-invalid={!!errors.value.title} aria-describedby={errors.value.title ? 'kb-title-err' : undefined} />
              {errors.value.title ? (
                <span id="kb-title-err" class="form-error">
                  {errors.value.title}
                </span>
              ) : null}
            </label>
            <div class="kb-meta-row">
              <label class="field">
                <span>Category</span>
                <select value={categoryId.value} onChange={(e) => ((categoryId.value = e.currentTarget.value), input())}>
                  <option value="">No category</option>
                  {categories.value.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </label>
              <label class="field grow">
                <span>Tags</span>
                <input value={tagText.value} placeholder="parking, check-in" onInput={(e) => ((tagText.value = e.currentTarget.value), input())} />
              </label>
            </div>
            <div class="field">
              <span id="kb-body-label">Body</span>
              <RichEditor key={revision.value} html={html.value} labelledBy="kb-body-label" onChange={(v) => ((html.value = v), input())} />
              {errors.value.body ? <span class="form-error">{errors.value.body}</span> : null}
            </div>
            <div class="form-actions kb-actions">
              {isNew ? (
                <>
                  <button type="submit" class="btn" disabled={busy.value || !title.value.trim()}>
                    Save draft
                  </button>
                  <button type="button" class="btn btn-primary" disabled={busy.value || !title.value.trim()} onClick={() => void save({ status: 'published' })}>
                    Publish
                  </button>
                </>
              ) : (
                <>
                  {dirty.value ? <span class="muted small">Unsaved changes</span> : null}
                  <button type="submit" class="btn btn-primary" disabled={busy.value || !dirty.value || conflict.value}>
                    {busy.value ? 'Saving…' : 'Save'}
                  </button>
                </>
              )}
            </div>
          </form>
        )}
      </div>
    </section>
  );
}

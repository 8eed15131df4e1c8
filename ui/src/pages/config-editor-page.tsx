import { useEffect, useState } from 'preact/hooks';
import { ApiCallError, api, unwrap } from '../api/admin-client.js';
import { type ConfigDetail } from '../api/admin-types.js';
import { RolloutBar } from '../components/rollout-bar.js';
import { Badge, ErrorNote } from '../components/status.js';
import { navigate } from '../router.js';
import { useLoad } from '../use-load.js';
import { type ConfigDraft, selectorOf, UI_ASSIGNMENT, validateDraft } from './config-form.js';

const PREVIEW_SIZE = 20;

function draftOf(config: ConfigDetail | undefined): ConfigDraft {
  const [fileName, file] = Object.entries(config?.files ?? {})[0] ?? ['collector.yaml', undefined];
  const selector =
    config?.assignments.find((assignment) => assignment.name === UI_ASSIGNMENT)?.selector ??
    config?.assignments.find((assignment) => assignment.selector)?.selector;
  return {
    name: config?.name ?? '',
    fileName,
    contentType: file?.contentType || 'text/yaml',
    body: file?.encoding === 'utf8' ? file.body : '',
    selector: Object.entries(selector ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join(', '),
  };
}

/** The agents a selector reaches, asked of the server before saving (`POST /api/v1/configs/preview`). */
function SelectorPreview({ selector }: { selector: Record<string, string> | undefined }) {
  const key = JSON.stringify(selector ?? null);
  const { data, error } = useLoad(async () => {
    if (!selector) return undefined;
    return unwrap(await api.POST('/api/v1/configs/preview', { body: { selector, limit: PREVIEW_SIZE } }));
  }, `preview|${key}`);
  if (!selector) return <p class="muted">No selector: the config reaches no agent until one is assigned.</p>;
  return (
    <div aria-live="polite">
      <ErrorNote message={error} />
      {data && (
        <>
          <p data-testid="preview-count">
            This selector reaches <strong>{data.total}</strong> connected agent(s)
            {data.total > data.items.length
              ? `; the first ${data.items.length}:`
              : data.total > 0
                ? ':'
                : '.'}
          </p>
          <ul class="preview">
            {data.items.map((agent) => (
              <li key={agent.id}>
                <a href={`/agents/${encodeURIComponent(agent.id)}`}>{agent.id}</a>{' '}
                <Badge kind={agent.health}>{agent.health}</Badge>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function Field(props: {
  id: keyof ConfigDraft;
  label: string;
  hint?: string;
  problem: string | undefined;
  children: preact.ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={`config-${props.id}`}>{props.label}</label>
      {props.children}
      {props.hint && (
        <small id={`config-${props.id}-hint`} class="muted">
          {props.hint}
        </small>
      )}
      {props.problem && (
        <small id={`config-${props.id}-problem`} class="error-text">
          {props.problem}
        </small>
      )}
    </div>
  );
}

/** Create or edit a config: one file and a selector, validated, with the agents it will reach before saving. */
export function ConfigEditorPage({ name }: { name: string | undefined }) {
  const existing = useLoad(
    async () =>
      name ? unwrap(await api.GET('/api/v1/configs/{name}', { params: { path: { name } } })) : undefined,
    `config|${name ?? ''}`,
  );
  const [draft, setDraft] = useState<ConfigDraft>(draftOf(undefined));
  const [loadedName, setLoadedName] = useState<string | undefined>(undefined);
  const [touched, setTouched] = useState(false);
  const [saveError, setSaveError] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [previewSelector, setPreviewSelector] = useState<Record<string, string> | undefined>(undefined);

  useEffect(() => {
    if (existing.data && loadedName !== existing.data.name) {
      const loaded = draftOf(existing.data);
      setDraft(loaded);
      setPreviewSelector(selectorOf(loaded));
      setLoadedName(existing.data.name);
    }
  }, [existing.data, loadedName]);

  const problems = validateDraft(draft);
  const set = (field: keyof ConfigDraft) => (event: Event) =>
    setDraft({ ...draft, [field]: (event.currentTarget as HTMLInputElement | HTMLTextAreaElement).value });
  const describedBy = (field: keyof ConfigDraft) =>
    [touched && problems[field] ? `config-${field}-problem` : '', `config-${field}-hint`]
      .filter(Boolean)
      .join(' ');

  const save = async (event: Event) => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(problems).length > 0) return;
    setSaving(true);
    setSaveError(undefined);
    try {
      unwrap(
        await api.PUT('/api/v1/configs/{name}', {
          params: { path: { name: draft.name } },
          body: { files: { [draft.fileName]: { body: draft.body, contentType: draft.contentType } } },
        }),
      );
      const selector = selectorOf(draft);
      const path = { name: draft.name, assignment: UI_ASSIGNMENT };
      if (selector) {
        unwrap(
          await api.PUT('/api/v1/configs/{name}/assignments/{assignment}', {
            params: { path },
            body: { selector },
          }),
        );
      } else if (existing.data?.assignments.some((assignment) => assignment.name === UI_ASSIGNMENT)) {
        unwrap(await api.DELETE('/api/v1/configs/{name}/assignments/{assignment}', { params: { path } }));
      }
      setLoadedName(undefined);
      navigate(`/configs/${encodeURIComponent(draft.name)}`);
    } catch (error) {
      setSaveError(error instanceof ApiCallError ? error.message : String(error));
    } finally {
      setSaving(false);
    }
  };

  const show = (field: keyof ConfigDraft) => (touched ? problems[field] : undefined);
  return (
    <section aria-labelledby="editor-title">
      <p>
        <a href="/configs">← Configs</a>
      </p>
      <h1 id="editor-title">{name ? `Config ${name}` : 'New config'}</h1>
      <ErrorNote message={existing.error} />
      {existing.data && (
        <div data-testid="rollout">
          <RolloutBar name={existing.data.name} rollout={existing.data.rollout} />
        </div>
      )}
      <form class="editor" onSubmit={(event) => void save(event)} noValidate>
        <Field id="name" label="Name" hint="lower-case letters, digits, - and ." problem={show('name')}>
          <input
            id="config-name"
            value={draft.name}
            onInput={set('name')}
            readOnly={Boolean(name)}
            required
            aria-invalid={Boolean(show('name'))}
            aria-describedby={describedBy('name')}
          />
        </Field>
        <Field
          id="fileName"
          label="File name"
          hint="as the agent's config map names it"
          problem={show('fileName')}
        >
          <input
            id="config-fileName"
            value={draft.fileName}
            onInput={set('fileName')}
            aria-invalid={Boolean(show('fileName'))}
            aria-describedby={describedBy('fileName')}
          />
        </Field>
        <Field id="contentType" label="Content type" hint="e.g. text/yaml" problem={undefined}>
          <input
            id="config-contentType"
            value={draft.contentType}
            onInput={set('contentType')}
            aria-describedby={describedBy('contentType')}
          />
        </Field>
        <Field id="body" label="Body" hint="the file the agents get" problem={show('body')}>
          <textarea
            id="config-body"
            rows={12}
            value={draft.body}
            onInput={set('body')}
            spellcheck={false}
            aria-invalid={Boolean(show('body'))}
            aria-describedby={describedBy('body')}
          />
        </Field>
        <Field
          id="selector"
          label="Selector"
          hint="key=value terms, separated by commas; every term must match an attribute or label"
          problem={show('selector')}
        >
          <input
            id="config-selector"
            value={draft.selector}
            onInput={set('selector')}
            aria-invalid={Boolean(show('selector'))}
            aria-describedby={describedBy('selector')}
          />
        </Field>
        <div class="actions">
          <button
            type="button"
            class="secondary"
            disabled={Boolean(problems.selector)}
            onClick={() => setPreviewSelector(selectorOf(draft))}
          >
            Preview agents
          </button>
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : 'Save config'}
          </button>
        </div>
        <ErrorNote message={saveError} />
      </form>
      <section aria-labelledby="preview-title" class="card">
        <h2 id="preview-title">Agents this config will reach</h2>
        <SelectorPreview selector={previewSelector} />
      </section>
    </section>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { errorOf } from '../api/client';
import { payloadUses } from '../filters/filter-model';
import { useDefinitionsRead } from '../filters/use-filter-attributes';
import { useI18n } from '../i18n/i18n';
import { escapeCancels } from '../shell/escape-cancels';
import { accountPath, useSession } from '../shell/session';
import { describedBy, FieldError, placeError, TextField, type FieldErrors } from './field-errors';
import { RowActions } from './row-actions';
import { useAdminPanel } from './use-admin-panel';

const TYPES = ['text', 'number', 'date', 'list', 'checkbox', 'link'] as const;
type AttributeType = (typeof TYPES)[number];

const EMPTY_DRAFT = { key: '', name: '', type: 'text' as AttributeType, values: '', description: '' };

const DEFINITION_FIELDS = {
  attribute_key: 'key',
  attribute_display_name: 'name',
  attribute_display_type: 'type',
  attribute_values: 'values',
  attribute_description: 'description',
};

/**
 * A list's values as typed in their box, one a line: a value may hold a comma (`Lima, Perú`),
 * which splitting on commas cut in two. A line that is one of the list's values as it was is
 * kept exactly; a line typed is trimmed, and blank lines are no values.
 */
const valuesOfLines = (text: string, was: string[] = []): string[] =>
  text.split(/\r?\n/).map((line) => (was.includes(line) ? line : line.trim())).filter(Boolean);

const sameValues = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

interface Editing {
  id: number;
  name: string;
  description: string;
  values: string;
  /** The list's values when the edit began: sent again only when changed. */
  valuesWere: string[];
  errors: FieldErrors;
}

/**
 * The account's custom attribute definitions: defined (key, name, type, list values, description),
 * edited (name, description, list values: the key and type cannot change, contacts hold values
 * under them), deleted after a confirmation.
 */
export function DefinitionsAdmin({ admin, onChanged }: { admin: boolean; onChanged: () => void }) {
  const { t, plural } = useI18n();
  const session = useSession();
  const path = accountPath(session);
  const panel = useAdminPanel<typeof EMPTY_DRAFT, Editing>(EMPTY_DRAFT, onChanged);
  const { revision, setRevision, draft, setDraft, errors, setErrors, adding, setAdding, rows, editDraft, editRow, changed } = panel;
  const { editing, setEditing, root, closeEditor } = rows;
  // Definitions that cannot be read say why (it used to look like an account without any).
  const { definitions, error: readError } = useDefinitionsRead(revision);
  // Read again while one is indexing its holders, so that its note goes when the job is done (it
  // stayed until the page was read again, saying filters were partial after they were whole).
  const indexing = definitions.some((d) => d.indexing);
  useEffect(() => {
    if (!indexing) return;
    const timer = setTimeout(() => setRevision((n) => n + 1), 2000);
    return () => clearTimeout(timer);
  }, [indexing, revision, setRevision]);

  // The segments whose stored filter names the attribute whose delete awaits confirmation: they
  // stop running once it is gone (422 "no longer compiles"), and the confirmation used to name none.
  const confirmingKey = definitions.find((d) => d.id === rows.confirming)?.attribute_key ?? null;
  const [usedBy, setUsedBy] = useState<{ key: string; names: string[] | null; error: string | null } | null>(null);
  useEffect(() => {
    if (!confirmingKey) return;
    let live = true;
    session.client
      .GET('/api/v1/accounts/{account_id}/custom_filters', { params: { path: accountPath(session), query: { filter_type: 'contact' } } })
      .then(({ data, error }) => {
        if (!live) return;
        const names = data
          ?.filter((segment) => payloadUses((segment.query as { payload?: unknown }).payload, confirmingKey))
          .map((segment) => segment.name)
          .sort((a, b) => a.localeCompare(b));
        setUsedBy({ key: confirmingKey, names: names ?? null, error: data ? null : errorOf(error).error });
      });
    return () => {
      live = false;
    };
  }, [session, confirmingKey]);
  const confirmText = (key: string) => {
    const plain = t('confirmDeleteAttribute', { key });
    if (usedBy?.key !== key) return `${plain} ${t('checkingSegmentsUsing')}`;
    if (usedBy.error !== null) return `${plain} ${t('segmentsUsingUnread', { message: usedBy.error })}`;
    if (!usedBy.names?.length) return plain;
    return `${plain} ${plural('attributeUsedBySegments', usedBy.names.length, { names: usedBy.names.map((name) => `"${name}"`).join(', ') })}`;
  };

  const typeName = (type: string) => ((TYPES as readonly string[]).includes(type) ? t(`type_${type as AttributeType}`) : type);

  async function add(event: FormEvent) {
    event.preventDefault();
    if (adding) return;
    setAdding(true);
    const { error: failed } = await session.client.POST('/api/v1/accounts/{account_id}/custom_attribute_definitions', {
      params: { path },
      body: {
        attribute_key: draft.key.trim(),
        attribute_display_name: draft.name.trim() || draft.key.trim(),
        attribute_display_type: draft.type,
        attribute_model: 'contact_attribute',
        ...(draft.description.trim() ? { attribute_description: draft.description.trim() } : {}),
        ...(draft.type === 'list' ? { attribute_values: valuesOfLines(draft.values) } : {}),
      } as never,
    });
    setAdding(false);
    if (failed) return setErrors(placeError(failed, DEFINITION_FIELDS));
    setErrors({});
    setDraft(EMPTY_DRAFT);
    changed();
  }

  async function saveEdit(event: FormEvent, type: string) {
    event.preventDefault();
    if (!editing) return;
    // A list whose values were not edited is not sent: the name alone changed used to rewrite them.
    const values = type === 'list' ? valuesOfLines(editing.values, editing.valuesWere) : [];
    const valuesChanged = type === 'list' && !sameValues(values, editing.valuesWere);
    const { error: failed, response } = await session.client.PATCH('/api/v1/accounts/{account_id}/custom_attribute_definitions/{id}', {
      params: { path: { ...path, id: editing.id } },
      body: {
        attribute_display_name: editing.name.trim(),
        attribute_description: editing.description.trim() || null,
        ...(valuesChanged ? { attribute_values: values } : {}),
      },
    });
    if (response.status === 404) return rows.rowGone(keyOf(editing.id), changed);
    if (failed) return setEditing({ ...editing, errors: placeError(failed, DEFINITION_FIELDS) });
    closeEditor(editing.id);
    rows.rowDone();
    changed();
  }

  const keyOf = (id: number) => definitions.find((d) => d.id === id)?.attribute_key ?? `#${id}`;
  const remove = (id: number) =>
    rows.removeRow(id, keyOf(id), () => session.client.DELETE('/api/v1/accounts/{account_id}/custom_attribute_definitions/{id}', { params: { path: { ...path, id } } }), changed);

  return (
    <section className="panel" aria-labelledby="attributes-admin-title" ref={root}>
      <h2 id="attributes-admin-title" tabIndex={-1}>{t('attributesAdmin')}</h2>
      {readError && <p role="alert" className="error">{t('attributesReadFailed', { message: readError })}</p>}
      {rows.goneName && <p role="alert" className="error" data-testid="row-gone">{t('rowGone', { name: rows.goneName })}</p>}
      {/* Wider than a phone: it scrolls in its own box, as the contacts table does (its buttons were off the panel and the page scrolled sideways). */}
      <div className="table-scroll">
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">{t('key')}</th><th scope="col">{t('displayName')}</th><th scope="col">{t('type')}</th>
              <th scope="col">{t('description')}</th><th scope="col"><span className="visually-hidden">{t('actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {definitions.map((d) => {
              const id = `definition-${d.id}`;
              const description = d.attribute_description ?? '';
              return editing?.id === d.id ? (
                <tr key={d.id} data-testid="definition-row">
                  <td>{d.attribute_key}</td>
                  <td colSpan={4}>
                    <form className="inline-editor" aria-label={`${t('edit')} ${d.attribute_key}`} onSubmit={(e) => saveEdit(e, d.attribute_display_type)}
                      onKeyDown={escapeCancels(() => closeEditor(d.id))}>
                      <TextField id={`${id}-name`} label={t('displayName')} value={editing.name} error={editing.errors.name} autoFocus onChange={editRow('name')} />
                      <TextField id={`${id}-description`} label={t('description')} value={editing.description} error={editing.errors.description} onChange={editRow('description')} />
                      {d.attribute_display_type === 'list' && (
                        <TextField id={`${id}-values`} label={t('listValues')} rows={Math.min(8, Math.max(3, editing.valuesWere.length + 1))} value={editing.values} error={editing.errors.values} onChange={editRow('values')} />
                      )}
                      <button type="submit" className="primary" disabled={!editing.name.trim()}>{t('save')}</button>
                      <button type="button" onClick={() => closeEditor(d.id)}>{t('cancel')}</button>
                      {editing.errors.form && <p role="alert" className="error">{editing.errors.form}</p>}
                    </form>
                  </td>
                </tr>
              ) : (
                <tr key={d.id} data-testid="definition-row">
                  <td>{d.attribute_key}</td>
                  <td>{d.attribute_display_name}</td>
                  <td>
                    {typeName(d.attribute_display_type)}{d.attribute_values.length ? ` (${d.attribute_values.map((v) => `“${v}”`).join(', ')})` : ''}
                    {/* Filters on it counted upwards for a while after it was defined, with nothing saying why. */}
                    {d.indexing && <span className="muted" data-testid="definition-indexing"> — {t('definitionIndexing')}</span>}
                  </td>
                  <td>{description}</td>
                  <td>
                    <RowActions id={d.id} name={d.attribute_key} admin={admin} confirmText={confirmText(d.attribute_key)} rows={rows}
                      startEditing={() => setEditing({ id: d.id, name: d.attribute_display_name, description, values: d.attribute_values.join('\n'), valuesWere: d.attribute_values, errors: {} })}
                      remove={() => remove(d.id)} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {admin && (
        <form onSubmit={add} className="admin-form" aria-label={t('newAttribute')}>
          <TextField id="new-attribute-key" label={t('key')} value={draft.key} error={errors.key} onChange={editDraft('key')} />
          <TextField id="new-attribute-name" label={t('displayName')} value={draft.name} error={errors.name} onChange={editDraft('name')} />
          <span className="field">
            <label htmlFor="new-attribute-type">{t('type')}</label>
            <select id="new-attribute-type" value={draft.type} {...describedBy('new-attribute-type', errors.type)} onChange={(e) => editDraft('type')(e.target.value)}>
              {TYPES.map((type) => <option key={type} value={type}>{typeName(type)}</option>)}
            </select>
            <FieldError id="new-attribute-type" error={errors.type} />
          </span>
          {draft.type === 'list' && (
            <TextField id="new-attribute-values" label={t('listValues')} rows={4} value={draft.values} error={errors.values} onChange={editDraft('values')} />
          )}
          <TextField id="new-attribute-description" label={t('description')} value={draft.description} error={errors.description} onChange={editDraft('description')} />
          <button type="submit" disabled={adding || !draft.key.trim()} aria-busy={adding}>{t('add')}</button>
          {errors.form && <p role="alert" className="error">{errors.form}</p>}
        </form>
      )}
    </section>
  );
}

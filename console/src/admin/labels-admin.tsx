import type { FormEvent } from 'react';
import { useLabelsRead } from '../filters/use-filter-attributes';
import { useI18n } from '../i18n/i18n';
import { escapeCancels } from '../shell/escape-cancels';
import { accountPath, useSession } from '../shell/session';
import { placeError, TextField, type FieldErrors } from './field-errors';
import { useTrackLabelMove } from './label-moves';
import { RowActions } from './row-actions';
import { useAdminPanel } from './use-admin-panel';


interface Editing {
  id: number;
  title: string;
  /** The title when the edit began: sent again only when changed (a rename moves every contact carrying it). */
  was: string;
  color: string;
  description: string;
  errors: FieldErrors;
}

// The API names a bad title `labels` (the rule every label title follows) or `title`.
const LABEL_FIELDS = { title: 'title', labels: 'title', color: 'color', description: 'description' };

/**
 * The account's labels: created with a colour and a description, edited (a new title renames the
 * label on every contact that carries it), deleted after a confirmation that says it leaves every contact.
 */
export function LabelsAdmin({ admin, onChanged }: { admin: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const path = accountPath(session);
  const panel = useAdminPanel<{ title: string; color: string; description: string }, Editing>({ title: '', color: '#1f93ff', description: '' }, onChanged);
  const { draft, setDraft, errors, setErrors, adding, setAdding, rows, editDraft, editRow, changed } = panel;
  const { editing, setEditing, root, closeEditor } = rows;
  // Labels that cannot be read say why (it used to look like an account without any).
  const { labels, error: readError } = useLabelsRead(panel.revision);
  // A rename or a delete moves the label's contacts after the request, by a job: followed above the screens.
  const trackMove = useTrackLabelMove();

  async function add(event: FormEvent) {
    event.preventDefault();
    if (adding) return;
    setAdding(true);
    const { error: failed } = await session.client.POST('/api/v1/accounts/{account_id}/labels', {
      params: { path },
      body: { title: draft.title.trim(), color: draft.color, ...(draft.description.trim() ? { description: draft.description.trim() } : {}) },
    });
    setAdding(false);
    if (failed) return setErrors(placeError(failed, LABEL_FIELDS));
    setErrors({});
    setDraft({ ...draft, title: '', description: '' });
    changed();
  }

  async function saveEdit(event: FormEvent) {
    event.preventDefault();
    if (!editing) return;
    const { data, error: failed, response } = await session.client.PATCH('/api/v1/accounts/{account_id}/labels/{id}', {
      params: { path: { ...path, id: editing.id } },
      // The title only when it changed: a rename moves every contact carrying the label.
      body: {
        color: editing.color,
        description: editing.description.trim() || null,
        ...(editing.title.trim().toLowerCase() !== editing.was ? { title: editing.title.trim() } : {}),
      },
    });
    if (response.status === 404) return rows.rowGone(editing.was, changed);
    if (failed) return setEditing({ ...editing, errors: placeError(failed, LABEL_FIELDS) });
    const renamed = data?.title;
    if (renamed !== undefined && renamed !== editing.was) trackMove({ from: editing.was, to: renamed });
    closeEditor(editing.id);
    rows.rowDone();
    changed();
  }

  const remove = (id: number) => {
    const title = labels.find((l) => l.id === id)?.title;
    const removed = () => {
      if (title !== undefined) trackMove({ from: title, to: null });
      changed();
    };
    return rows.removeRow(id, title ?? `#${id}`, () => session.client.DELETE('/api/v1/accounts/{account_id}/labels/{id}', { params: { path: { ...path, id } } }), removed);
  };

  return (
    <section className="panel" aria-labelledby="labels-admin-title" ref={root}>
      <h2 id="labels-admin-title" tabIndex={-1}>{t('labelsAdmin')}</h2>
      {readError && <p role="alert" className="error">{t('labelsReadFailed', { message: readError })}</p>}
      {rows.goneName && <p role="alert" className="error" data-testid="row-gone">{t('rowGone', { name: rows.goneName })}</p>}
      <ul className="admin-list">
        {labels.map((label) => (
          <li key={label.id} data-testid="label-row">
            {editing?.id === label.id ? (
              <form className="inline-editor" aria-label={`${t('edit')} ${label.title}`} onSubmit={saveEdit} onKeyDown={escapeCancels(() => closeEditor(label.id))}>
                <TextField id={`label-${label.id}-title`} label={t('title')} value={editing.title} error={editing.errors.title} autoFocus onChange={editRow('title')} />
                <TextField id={`label-${label.id}-color`} label={t('color')} value={editing.color} error={editing.errors.color} type="color" onChange={editRow('color')} />
                <TextField id={`label-${label.id}-description`} label={t('description')} value={editing.description} error={editing.errors.description} onChange={editRow('description')} />
                <button type="submit" className="primary">{t('save')}</button>
                <button type="button" onClick={() => closeEditor(label.id)}>{t('cancel')}</button>
                {editing.errors.form && <p role="alert" className="error">{editing.errors.form}</p>}
              </form>
            ) : (
              <>
                <span className="swatch" style={{ background: label.color }} aria-hidden="true" />
                <strong>{label.title}</strong>
                {label.description && <span className="muted">{label.description}</span>}
                <RowActions id={label.id} name={label.title} admin={admin} confirmText={t('confirmDeleteLabel', { title: label.title })} rows={rows}
                  startEditing={() => setEditing({ id: label.id, title: label.title, was: label.title, color: label.color, description: label.description ?? '', errors: {} })}
                  remove={() => remove(label.id)} />
              </>
            )}
          </li>
        ))}
      </ul>
      {admin && (
        <form onSubmit={add} className="admin-form" aria-label={t('newLabel')}>
          <TextField id="new-label-title" label={t('title')} value={draft.title} error={errors.title} onChange={editDraft('title')} />
          <TextField id="new-label-color" label={t('color')} value={draft.color} error={errors.color} type="color" onChange={editDraft('color')} />
          <TextField id="new-label-description" label={t('description')} value={draft.description} error={errors.description} onChange={editDraft('description')} />
          <button type="submit" disabled={adding || !draft.title.trim()} aria-busy={adding}>{t('add')}</button>
          {errors.form && <p role="alert" className="error">{errors.form}</p>}
        </form>
      )}
    </section>
  );
}

import { useId, useRef, useState } from 'react';
import { errorOf } from '../api/client';
import { useLabelTitles } from '../filters/use-filter-attributes';
import { useI18n } from '../i18n/i18n';
import { escapeCancels } from '../shell/escape-cancels';
import { accountPath, useSession } from '../shell/session';
import { isRunning, type BulkAction } from './bulk-action';
import { useFollowBulkJob } from './bulk-jobs';

/** Which contacts a bulk action takes: the selected rows, or every contact of a filter or segment. */
export type BulkSelection = { ids: number[] } | { payload: unknown[] } | { custom_filter_id: number };

/**
 * Bulk actions on the selection: add or remove a label, delete (administrators). Up to 100
 * contacts the API answers with the finished action, which `onDone` gets (the bar goes with the
 * selection, so the screen shows the result); more run as a job, handed over to be followed above
 * every screen (bulk-jobs.tsx), and `onStarted` is told.
 */
export function BulkBar({ selection, count, onDone, onStarted }: {
  selection: BulkSelection;
  count: number;
  onDone: (action: BulkAction) => void;
  onStarted: () => void;
}) {
  const { t, plural } = useI18n();
  const session = useSession();
  const followJob = useFollowBulkJob();
  const [label, setLabel] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  // The account's labels offered as the label is typed (a typo would make a new label).
  const labelTitles = useLabelTitles();
  const labelsId = useId();
  // Cancel of the delete confirmation gives the focus back to "Delete selected" (it replaced it).
  const deleteButton = useRef<HTMLButtonElement | null>(null);
  const cancelDelete = () => {
    setConfirming(false);
    setTimeout(() => deleteButton.current?.focus());
  };
  // aria-disabled while busy, not disabled: a button disabled under the focus drops it to the
  // page's top, and a keyboard user would start again from there (a refusal keeps the bar).
  const busyGuard = (action: () => void) => () => {
    if (!busy) action();
  };

  async function run(body: { labels?: { add?: string[]; remove?: string[] }; action_name?: 'delete' }) {
    setBusy(true);
    setMessage(null);
    const path = accountPath(session);
    const { data, error } = await session.client.POST('/api/v1/accounts/{account_id}/bulk_actions', { params: { path }, body: { type: 'Contact', ...selection, ...body } });
    if (error || !data) {
      setBusy(false);
      return setMessage(errorOf(error).error);
    }
    const action = data as BulkAction;
    setBusy(false);
    setLabel('');
    setConfirming(false);
    if (!isRunning(action)) return onDone(action);
    followJob(action);
    onStarted();
  }

  return (
    <div className="bulk-bar" role="region" aria-label={plural('selectedN', count)}>
      <strong>{plural('selectedN', count)}</strong>
      <label>
        {t('labelTitle')}
        <input dir="auto" value={label} list={labelsId} onChange={(e) => setLabel(e.target.value)} />
      </label>
      <datalist id={labelsId}>{labelTitles.map((title) => <option key={title} value={title} />)}</datalist>
      <button type="button" disabled={!label.trim()} aria-disabled={busy} onClick={busyGuard(() => run({ labels: { add: [label.trim().toLowerCase()] } }))}>{t('addLabel')}</button>
      <button type="button" disabled={!label.trim()} aria-disabled={busy} onClick={busyGuard(() => run({ labels: { remove: [label.trim().toLowerCase()] } }))}>{t('removeLabel')}</button>
      {/* Agents see the delete explained, as everywhere else, not silently missing. */}
      {session.role !== 'administrator' && <span className="muted" data-testid="delete-admins-only">{t('deleteSelected')}: {t('administratorsOnly')}</span>}
      {session.role === 'administrator' &&
        (confirming ? (
          <span role="group" aria-label={plural('confirmDeleteSelected', count)} onKeyDown={escapeCancels(cancelDelete)}>
            <span>{plural('confirmDeleteSelected', count)}</span>
            {/* The confirmation replaces "Delete selected": the focus moves to it, not to the page. */}
            <button type="button" className="danger" autoFocus aria-disabled={busy} onClick={busyGuard(() => run({ action_name: 'delete' }))}>{t('confirm')}</button>
            <button type="button" aria-disabled={busy} onClick={busyGuard(cancelDelete)}>{t('cancel')}</button>
          </span>
        ) : (
          <button type="button" className="danger" ref={deleteButton} aria-disabled={busy} onClick={busyGuard(() => setConfirming(true))}>{t('deleteSelected')}</button>
        ))}
      {message && <span role="alert" className="error">{message}</span>}
    </div>
  );
}

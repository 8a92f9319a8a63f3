import { useState } from 'react';
import { errorOf } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { accountPath, useSession } from '../shell/session';

interface BulkAction {
  id: number;
  status: string;
  processed?: number;
  total?: number;
}

/** Which contacts a bulk action takes: the selected rows, or every contact of a filter or segment. */
export type BulkSelection = { ids: number[] } | { payload: unknown[] } | { custom_filter_id: number };

/** Bulk actions on the selection: add or remove a label, delete (administrators). */
export function BulkBar({ selection, count, onDone }: { selection: BulkSelection; count: number; onDone: () => void }) {
  const { t, plural } = useI18n();
  const session = useSession();
  const [label, setLabel] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);

  async function run(body: { labels?: { add?: string[]; remove?: string[] }; action_name?: 'delete' }) {
    setBusy(true);
    setMessage(null);
    const path = accountPath(session);
    const { data, error } = await session.client.POST('/api/v1/accounts/{account_id}/bulk_actions', { params: { path }, body: { type: 'Contact', ...selection, ...body } });
    if (error || !data) {
      setBusy(false);
      return setMessage(errorOf(error).error);
    }
    // More than 100 contacts run as a job: follow it until it finishes.
    let action = data as BulkAction;
    while (action.status === 'queued' || action.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const next = await session.client.GET('/api/v1/accounts/{account_id}/bulk_actions/{id}', { params: { path: { ...path, id: action.id } } });
      if (!next.data) break;
      action = next.data as BulkAction;
    }
    setBusy(false);
    setLabel('');
    setConfirming(false);
    setMessage(plural('bulkDone', action.processed ?? count));
    onDone();
  }

  return (
    <div className="bulk-bar" role="region" aria-label={plural('selectedN', count)}>
      <strong>{plural('selectedN', count)}</strong>
      <label>
        {t('labelTitle')}
        <input value={label} onChange={(e) => setLabel(e.target.value)} />
      </label>
      <button type="button" disabled={busy || !label.trim()} onClick={() => run({ labels: { add: [label.trim().toLowerCase()] } })}>{t('addLabel')}</button>
      <button type="button" disabled={busy || !label.trim()} onClick={() => run({ labels: { remove: [label.trim().toLowerCase()] } })}>{t('removeLabel')}</button>
      {session.role === 'administrator' &&
        (confirming ? (
          <>
            <span>{plural('confirmDeleteSelected', count)}</span>
            <button type="button" className="danger" disabled={busy} onClick={() => run({ action_name: 'delete' })}>{t('confirm')}</button>
            <button type="button" onClick={() => setConfirming(false)}>{t('cancel')}</button>
          </>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>{t('deleteSelected')}</button>
        ))}
      {message && <span role="status">{message}</span>}
    </div>
  );
}

import { useI18n } from '../i18n/i18n';
import { escapeCancels } from '../shell/escape-cancels';
import type { RowEditing } from './use-row-editing';

/**
 * An administration row's Edit and Delete buttons (administrators only), the confirmation that
 * replaces them, and the row's error. `name` names the row in the buttons' accessible names.
 */
export function RowActions<E>(props: {
  id: number;
  name: string;
  admin: boolean;
  confirmText: string;
  rows: RowEditing<E>;
  startEditing: () => void;
  remove: () => void;
}) {
  const { t } = useI18n();
  const { id, name, admin, confirmText, rows, startEditing, remove } = props;
  const { confirming, setConfirming, setEditing, giveUpDelete, rowError } = rows;
  return (
    <>
      {admin && confirming === id && (
        <span className="confirm" onKeyDown={escapeCancels(() => giveUpDelete(id))}>
          <span>{confirmText}</span>{' '}
          <button type="button" className="danger" onClick={remove}>{t('confirm')}</button>
          <button type="button" autoFocus onClick={() => giveUpDelete(id)}>{t('cancel')}</button>
        </span>
      )}
      {admin && confirming !== id && (
        <span className="row-actions">
          <button type="button" data-focus={`edit-${id}`} aria-label={`${t('edit')} ${name}`} onClick={() => { setConfirming(null); startEditing(); }}>
            {t('edit')}
          </button>
          <button type="button" className="danger" data-focus={`delete-${id}`} aria-label={`${t('delete')} ${name}`} onClick={() => { setEditing(null); setConfirming(id); }}>
            {t('delete')}
          </button>
        </span>
      )}
      {rowError?.id === id && <span role="alert" className="error">{rowError.error}</span>}
    </>
  );
}

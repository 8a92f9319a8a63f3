import { useI18n } from '../i18n/i18n';
import { useSession } from '../shell/session';
import { DefinitionsAdmin } from './definitions-admin';
import { LabelsAdmin } from './labels-admin';

/** Labels and custom attribute definitions; changing them is for administrators (the API answers 403 to agents). */
export function AdminScreen({ onChanged }: { onChanged: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const admin = session.role === 'administrator';
  return (
    <div className="admin">
      <h1>{t('administration')}</h1>
      {!admin && <p className="muted">{t('administratorsOnly')}</p>}
      <LabelsAdmin admin={admin} onChanged={onChanged} />
      <DefinitionsAdmin admin={admin} onChanged={onChanged} />
    </div>
  );
}

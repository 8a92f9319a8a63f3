import { useState, type FormEvent } from 'react';
import type { Session } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { LanguageSwitch } from '../shell/language-switch';
import { checkSession, SignInRefused } from './sign-in';
import type { Role } from '../shell/session';

export function SignInScreen({ onSignedIn }: { onSignedIn: (session: Session, who: { role: Role; userName: string | null }) => void }) {
  const { t } = useI18n();
  const [accountId, setAccountId] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const session = { accountId: Number(accountId), token: token.trim() };
    try {
      onSignedIn(session, await checkSession(session));
    } catch (err) {
      setError(err instanceof SignInRefused ? t('signInFailed') : t('error', { message: String(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('signInTitle')}</h1>
        <p className="hint">{t('signInHint')}</p>
        <label>
          {t('accountId')}
          <input name="account_id" inputMode="numeric" required pattern="[0-9]+" value={accountId} onChange={(e) => setAccountId(e.target.value)} />
        </label>
        <label>
          {t('accessToken')}
          <input name="api_access_token" type="password" required autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} />
        </label>
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy}>{t('signIn')}</button>
        <LanguageSwitch />
      </form>
    </main>
  );
}

import { useState, type FormEvent } from 'react';
import type { Session } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { said, saidKey, type Said } from '../i18n/said';
import type { MessageKey } from '../i18n/messages';
import { LanguageSwitch } from '../shell/language-switch';
import { checkSession, endSession, signInWithPassword, SignInLimited, SignInRefused, type PasswordSignIn, type Who } from './sign-in';

/**
 * Email and password by default (POST /auth/sign_in: a session token); a user of several
 * accounts then picks one. The API-token form stays behind a toggle, for API users.
 */
export function SignInScreen({ notice, onSignedIn }: { notice?: string | null; onSignedIn: (session: Session, who: Who) => void }) {
  const { t, say } = useI18n();
  const [mode, setMode] = useState<'password' | 'token'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [accountId, setAccountId] = useState('');
  const [token, setToken] = useState('');
  // A password sign-in of a user with several accounts, waiting for the choice.
  const [pending, setPending] = useState<PasswordSignIn | null>(null);
  const [error, setError] = useState<Said | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(refused: MessageKey, work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      if (err instanceof SignInRefused) setError(saidKey(refused));
      else if (err instanceof SignInLimited) setError(limitedText(err.retryAfterSeconds));
      else setError(saidKey('error', { message: String(err) }));
    } finally {
      setBusy(false);
    }
  }

  // How long to wait, from the 429's Retry-After: "Wait a moment" left the user guessing (the limit lasts minutes).
  function limitedText(seconds: number | null): Said {
    return said(({ t, plural }) => {
      if (seconds === null) return t('signInLimited');
      const time = seconds <= 90 ? plural('waitSeconds', Math.max(1, seconds)) : plural('waitMinutes', Math.ceil(seconds / 60));
      return t('signInLimitedFor', { time });
    });
  }

  async function enter(session: Session) {
    onSignedIn(session, await checkSession(session));
  }

  function submitPassword(event: FormEvent) {
    event.preventDefault();
    void run('signInPasswordFailed', async () => {
      const signedIn = await signInWithPassword(email, password);
      if (signedIn.accounts.length === 0) {
        await endSession({ accountId: 0, token: signedIn.token, kind: 'session' });
        setError(saidKey('signInNoAccounts'));
      } else if (signedIn.accounts.length === 1) {
        await enter({ accountId: signedIn.accounts[0].id, token: signedIn.token, kind: 'session' });
      } else {
        setAccountId(String(signedIn.accounts[0].id));
        setPending(signedIn);
      }
    });
  }

  function submitAccount(event: FormEvent) {
    event.preventDefault();
    if (!pending) return;
    void run('signInPasswordFailed', () => enter({ accountId: Number(accountId), token: pending.token, kind: 'session' }));
  }

  function cancelAccount() {
    if (pending) void endSession({ accountId: 0, token: pending.token, kind: 'session' });
    setPending(null);
    setAccountId('');
  }

  function submitToken(event: FormEvent) {
    event.preventDefault();
    void run('signInFailed', () => enter({ accountId: Number(accountId), token: token.trim(), kind: 'api' }));
  }

  function switchMode() {
    setMode(mode === 'password' ? 'token' : 'password');
    setAccountId('');
    setError(null);
  }

  if (pending) {
    return (
      <main className="sign-in">
        <form onSubmit={submitAccount} aria-labelledby="sign-in-title">
          <h1 id="sign-in-title">{t('chooseAccountTitle')}</h1>
          <p className="hint">{t('chooseAccountHint', { name: pending.name })}</p>
          <label>
            {t('chooseAccount')}
            <select name="account" aria-label={t('chooseAccount')} value={accountId} onChange={(e) => setAccountId(e.target.value)}>
              {pending.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({t(a.role === 'administrator' ? 'roleAdministrator' : 'roleAgent')})
                </option>
              ))}
            </select>
          </label>
          {error && <p role="alert" className="error">{say(error)}</p>}
          <button type="submit" disabled={busy}>{t('continue')}</button>
          <button type="button" className="link" onClick={cancelAccount} disabled={busy}>{t('cancel')}</button>
          <LanguageSwitch />
        </form>
      </main>
    );
  }

  return (
    <main className="sign-in">
      {mode === 'password' ? (
        <form onSubmit={submitPassword} aria-labelledby="sign-in-title">
          <h1 id="sign-in-title">{t('signInTitle')}</h1>
          {notice && <p role="status" className="notice" data-testid="sign-in-notice">{notice}</p>}
          <p className="hint">{t('signInPasswordHint')}</p>
          <label>
            {t('email')}
            {/* Not type="email": the browser refuses ü before the @ and sends a domain in another script as punycode, which the service does not. */}
            <input name="email" type="text" inputMode="email" autoCapitalize="none" spellCheck={false} required autoComplete="username" autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <label>
            {t('password')}
            <input name="password" type="password" required autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          {error && <p role="alert" className="error">{say(error)}</p>}
          <button type="submit" disabled={busy}>{t('signIn')}</button>
          <button type="button" className="link" onClick={switchMode}>{t('useAccessToken')}</button>
          <LanguageSwitch />
        </form>
      ) : (
        <form onSubmit={submitToken} aria-labelledby="sign-in-title">
          <h1 id="sign-in-title">{t('signInTitle')}</h1>
          {notice && <p role="status" className="notice" data-testid="sign-in-notice">{notice}</p>}
          <p className="hint">{t('signInHint')}</p>
          <label>
            {t('accountId')}
            <input name="account_id" inputMode="numeric" required pattern="[0-9]+" value={accountId} onChange={(e) => setAccountId(e.target.value)} />
          </label>
          <label>
            {t('accessToken')}
            <input name="api_access_token" type="password" required autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
          </label>
          {error && <p role="alert" className="error">{say(error)}</p>}
          <button type="submit" disabled={busy}>{t('signIn')}</button>
          <button type="button" className="link" onClick={switchMode}>{t('usePassword')}</button>
          <LanguageSwitch />
        </form>
      )}
    </main>
  );
}

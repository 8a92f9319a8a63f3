import { useCallback, useEffect, useMemo, useState } from 'react';
import { createApiClient, loadSession, saveSession, type Session } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { SignInScreen } from '../sign-in/sign-in-screen';
import { checkSession, endSession, type Who } from '../sign-in/sign-in';
import { ContactsScreen } from '../contacts/contacts-screen';
import { ContactScreen } from '../contact/contact-screen';
import { ImportScreen } from '../import/import-screen';
import { AdminScreen } from '../admin/admin-screen';
import { Sidebar } from './sidebar';
import { LanguageSwitch } from './language-switch';
import { SessionContext, type SessionState } from './session';
import type { View } from './view';

export function App() {
  const { t } = useI18n();
  const [session, setSession] = useState<Session | null>(loadSession);
  const [who, setWho] = useState<Who | null>(null);
  const [view, setView] = useState<View>({ screen: 'contacts', source: { kind: 'all' } });
  // Bumped after a change that moves the segment counts (save, bulk action, import).
  const [revision, setRevision] = useState(0);
  const changed = useCallback(() => setRevision((r) => r + 1), []);

  const clear = useCallback(() => {
    saveSession(null);
    setSession(null);
    setWho(null);
    setView({ screen: 'contacts', source: { kind: 'all' } });
  }, []);

  // A session token is ended on the server (DELETE /auth/sign_out) before the storage is cleared.
  const signOut = useCallback(() => {
    if (session) void endSession(session).finally(clear);
    else clear();
  }, [session, clear]);

  // A session restored from sessionStorage (a reload) is checked again for its name and role;
  // one refused (expired, ended elsewhere) is forgotten.
  useEffect(() => {
    if (session && !who) checkSession(session).then(setWho, clear);
  }, [session, who, clear]);

  const state = useMemo<SessionState | null>(
    () => (session && who ? { ...session, ...who, client: createApiClient(session), signOut } : null),
    [session, who, signOut],
  );

  if (!session) {
    return (
      <SignInScreen
        onSignedIn={(next, found) => {
          saveSession(next);
          setSession(next);
          setWho(found);
        }}
      />
    );
  }
  if (!state) return <p className="loading">{t('loading')}</p>;

  return (
    <SessionContext.Provider value={state}>
      <div className="shell">
        <header className="topbar">
          <span className="brand">{t('appName')}</span>
          <span className="who" data-testid="who">
            {state.userName ? `${state.userName} · ` : ''}
            {t('account')} {state.accountId} · {t(state.role === 'administrator' ? 'roleAdministrator' : 'roleAgent')}
          </span>
          <LanguageSwitch />
          <button type="button" onClick={signOut}>{t('signOut')}</button>
        </header>
        <Sidebar view={view} onNavigate={setView} revision={revision} />
        <main className="content">
          {view.screen === 'contacts' && (
            <ContactsScreen key={JSON.stringify(view.source)} source={view.source} onNavigate={setView} onChanged={changed} revision={revision} />
          )}
          {view.screen === 'contact' && <ContactScreen id={view.id} onBack={() => setView({ screen: 'contacts', source: view.back })} onChanged={changed} />}
          {view.screen === 'import' && <ImportScreen onChanged={changed} />}
          {view.screen === 'admin' && <AdminScreen onChanged={changed} />}
        </main>
      </div>
    </SessionContext.Provider>
  );
}

import { useCallback, useEffect, useMemo, useState } from 'react';
import { createApiClient, loadSession, loadSessionEnded, saveSession, saveSessionEnded, type Session } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { SignInScreen } from '../sign-in/sign-in-screen';
import { checkSession, endSession, SignInRefused, type Who } from '../sign-in/sign-in';
import { BulkJobs } from '../contacts/bulk-jobs';
import { ContactsScreen } from '../contacts/contacts-screen';
import { ContactScreen } from '../contact/contact-screen';
import { ImportScreen } from '../import/import-screen';
import { AdminScreen } from '../admin/admin-screen';
import { LabelMoves } from '../admin/label-moves';
import { forgetDrafts } from '../contact/drafts';
import { ErrorBoundary } from './error-boundary';
import { Sidebar } from './sidebar';
import { LanguageSwitch } from './language-switch';
import { SessionContext, type SessionState } from './session';
import { ALL_CONTACTS, hashOf, viewOf, type Navigate, type View } from './view';

/** What history.state holds for an entry: whether a contact was opened from its list. */
interface EntryState {
  fromList?: boolean;
}

const REFRESH_EVERY_MS = 60_000;
/** Longer than the index takes to drop a deleted contact, with room for a slow second. */
const DELETED_HIDDEN_MS = 10_000;

const entryState = (): EntryState => (history.state && typeof history.state === 'object' ? (history.state as EntryState) : {});
const viewOfLocation = (): View => viewOf(location.hash);

export function App() {
  const { t } = useI18n();
  const [session, setSession] = useState<Session | null>(loadSession);
  const [who, setWho] = useState<Who | null>(null);
  // Whether the sign-in screen shows again because the session ended elsewhere (it says so).
  const [ended, setEnded] = useState<boolean>(loadSessionEnded);
  // The view is the URL's (see view.ts); `epoch` counts changes that did not come from the search box.
  const [nav, setNav] = useState<{ view: View; epoch: number }>(() => ({ view: viewOfLocation(), epoch: 0 }));
  const [menuOpen, setMenuOpen] = useState(false);
  // Bumped after a change that moves the list or the segment counts (a contact created, edited or
  // deleted, a segment saved, a bulk action, an import). The list and the counts read the search
  // index, which holds a change within a second or so (a bulk job's last contacts are indexed after
  // it completes): they are read again now and over the next seconds. A contact deleted on its
  // screen used to stay in the list it went back to, with the old count.
  const [revision, setRevision] = useState(0);
  const changed = useCallback(() => {
    for (const ms of [0, 800, 2000, 4000]) setTimeout(() => setRevision((r) => r + 1), ms);
  }, []);
  // Contacts deleted on their screen (or found gone there), left out of the lists for the next
  // seconds: the index drops one within a second or so, and the list read at once still showed it,
  // with the old count (a black-box audit saw it for up to 1.3 s).
  const [deleted, setDeleted] = useState<ReadonlySet<number>>(new Set());
  const contactDeleted = useCallback((id: number) => {
    setDeleted((was) => new Set(was).add(id));
    setTimeout(() => setDeleted((was) => new Set([...was].filter((other) => other !== id))), DELETED_HIDDEN_MS);
  }, []);

  // Other users change what the sidebar and the header show (labels, segments and their counts,
  // this user's role): they are read again when the window is taken up again (focus, the tab
  // shown) and every minute while it is visible. They used to stay as first read until a reload.
  const [refreshed, setRefreshed] = useState(0);
  const signedIn = session !== null;
  useEffect(() => {
    if (!signedIn) return;
    let last = 0;
    const refresh = () => {
      // Focus and visibilitychange come together when a tab is shown again: one read for both.
      if (document.visibilityState !== 'visible' || Date.now() - last < 2000) return;
      last = Date.now();
      setRefreshed((n) => n + 1);
    };
    const timer = setInterval(refresh, REFRESH_EVERY_MS);
    window.addEventListener('focus', refresh);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', refresh);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, [signedIn]);

  // Back, Forward, a link or a hash typed in: the view follows the URL.
  useEffect(() => {
    const follow = () => setNav((n) => ({ view: viewOfLocation(), epoch: n.epoch + 1 }));
    window.addEventListener('popstate', follow);
    window.addEventListener('hashchange', follow);
    return () => {
      window.removeEventListener('popstate', follow);
      window.removeEventListener('hashchange', follow);
    };
  }, []);

  const navigate = useCallback<Navigate>((view, options = {}) => {
    const state: EntryState = view.screen === 'contact' ? { fromList: options.fromList } : {};
    const hash = hashOf(view);
    if (options.replace || hash === location.hash) history.replaceState(state, '', hash);
    else history.pushState(state, '', hash);
    setMenuOpen(false);
    setNav((n) => ({ view: viewOf(hash), epoch: options.keepSearch ? n.epoch : n.epoch + 1 }));
  }, []);

  const clear = useCallback((endedElsewhere = false) => {
    saveSession(null);
    saveSessionEnded(endedElsewhere);
    setSession(null);
    setWho(null);
    setEnded(endedElsewhere);
  }, []);

  // Signing out starts the next user on all contacts; an ended session keeps the URL, so that
  // signing in again comes back to the same place.
  const signedOut = useCallback(() => {
    forgetDrafts();
    clear();
    history.replaceState(null, '', location.pathname + location.search);
    setNav((n) => ({ view: ALL_CONTACTS, epoch: n.epoch + 1 }));
  }, [clear]);

  // A session token is ended on the server (DELETE /auth/sign_out) before the storage is cleared.
  const signOut = useCallback(() => {
    if (session) void endSession(session).finally(signedOut);
    else signedOut();
  }, [session, signedOut]);

  // Any call answered 401: the token was revoked, or signed out elsewhere.
  const sessionEnded = useCallback(() => clear(true), [clear]);

  // A session restored from sessionStorage (a reload) is checked again for its name and role;
  // one refused (expired, ended elsewhere) is forgotten, saying so. A check that fails otherwise
  // (the service away for a moment, or a second reload aborting it) is tried again: it forgot the
  // session, and a reload at that moment signed the user out.
  useEffect(() => {
    if (!session || who) return;
    let live = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const check = (attempt: number) =>
      checkSession(session).then(
        (found) => live && setWho(found),
        (err) => {
          if (!live) return;
          if (err instanceof SignInRefused) clear(true);
          else retry = setTimeout(() => check(attempt + 1), Math.min(500 * 2 ** attempt, 10_000));
        },
      );
    void check(0);
    return () => {
      live = false;
      clearTimeout(retry);
    };
  }, [session, who, clear]);

  // The role (and names) read again with the sidebar: a user promoted or demoted elsewhere sees it
  // without a reload. Set only when changed, as a new `who` makes every screen read again.
  useEffect(() => {
    if (!refreshed || !session) return;
    let live = true;
    checkSession(session).then(
      (found) => live && setWho((was) => (was && JSON.stringify(was) === JSON.stringify(found) ? was : found)),
      (err) => live && err instanceof SignInRefused && clear(true),
    );
    return () => {
      live = false;
    };
  }, [refreshed, session, clear]);

  // A 403: the role is read again at once (a user demoted elsewhere kept the administrator's
  // screens, and each of their actions answered the API's raw refusal).
  const roleMayHaveChanged = useCallback(() => setRefreshed((n) => n + 1), []);
  const state = useMemo<SessionState | null>(
    () =>
      session && who
        ? { ...session, ...who, client: createApiClient({ ...session, onUnauthorized: sessionEnded, onForbidden: roleMayHaveChanged }), signOut, onUnauthorized: sessionEnded }
        : null,
    [session, who, signOut, sessionEnded, roleMayHaveChanged],
  );

  if (!session) {
    return (
      <SignInScreen
        notice={ended ? t('sessionEnded') : null}
        onSignedIn={(next, found) => {
          saveSession(next);
          setSession(next);
          setWho(found);
          saveSessionEnded(false);
          setEnded(false);
        }}
      />
    );
  }
  if (!state) return <p className="loading">{t('loading')}</p>;

  const { view, epoch } = nav;
  const backToList = (back: View & { screen: 'contact' }) => () => {
    // Opened from the list: going back in the history restores it as it was (page, search, sort).
    if (entryState().fromList) history.back();
    else navigate({ screen: 'contacts', list: back.back });
  };

  return (
    <SessionContext.Provider value={state}>
      <div className={menuOpen ? 'shell menu-open' : 'shell'}>
        <header className="topbar">
          <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="sidebar" onClick={() => setMenuOpen(!menuOpen)}>
            {t('menu')}
          </button>
          <span className="brand">{t('appName')}</span>
          <span className="who" data-testid="who">
            {state.userName ? `${state.userName} · ` : ''}
            <span title={`${t('account')} ${state.accountId}`}>{state.accountName || `${t('account')} ${state.accountId}`}</span> · {t(state.role === 'administrator' ? 'roleAdministrator' : 'roleAgent')}
          </span>
          <LanguageSwitch />
          <button type="button" onClick={signOut}>{t('signOut')}</button>
        </header>
        <Sidebar view={view} onNavigate={navigate} revision={revision} refreshed={refreshed} />
        <main className="content">
          <BulkJobs onChanged={changed}>
          <LabelMoves onChanged={changed}>
          {/* A screen that fails to render says so there; the header and the sidebar stay, and going elsewhere renders afresh. */}
          <ErrorBoundary resetKey={hashOf(view)} fallback={(error, retry) => (
            <section className="panel" role="alert" data-testid="render-failed">
              <h1>{t('renderFailedTitle')}</h1>
              <p>{t('renderFailed', { message: error.message })}</p>
              <button type="button" onClick={() => { navigate(ALL_CONTACTS); retry(); }}>{t('backToAllContacts')}</button>
            </section>
          )}>
          {view.screen === 'contacts' && (
            <ContactsScreen
              key={JSON.stringify(view.list.source)}
              list={view.list}
              searchEpoch={epoch}
              navigate={navigate}
              onChanged={changed}
              revision={revision}
              refreshed={refreshed}
              deleted={deleted}
            />
          )}
          {view.screen === 'contact' && <ContactScreen key={view.id} id={view.id} onBack={backToList(view)} onChanged={changed} onDeleted={contactDeleted} />}
          {view.screen === 'import' && <ImportScreen onChanged={changed} />}
          {view.screen === 'admin' && <AdminScreen onChanged={changed} />}
          </ErrorBoundary>
          </LabelMoves>
          </BulkJobs>
        </main>
      </div>
    </SessionContext.Provider>
  );
}

import { loadSession, saveSession } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { endSession } from '../sign-in/sign-in';

/**
 * What shows when the console's frame itself (header, sidebar) failed to render: what happened,
 * and the two ways on that still work, a reload and signing out.
 */
export function AppFailed({ error }: { error: Error }) {
  const { t } = useI18n();
  const signOut = () => {
    const session = loadSession();
    void (session ? endSession(session) : Promise.resolve()).finally(() => {
      saveSession(null);
      location.replace(location.pathname);
    });
  };
  return (
    <main className="content">
      <section className="panel" role="alert" data-testid="render-failed">
        <h1>{t('renderFailedTitle')}</h1>
        <p>{t('renderFailed', { message: error.message })}</p>
        <button type="button" onClick={() => location.reload()}>{t('reload')}</button>
        <button type="button" onClick={signOut}>{t('signOut')}</button>
      </section>
    </main>
  );
}

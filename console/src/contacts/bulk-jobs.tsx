import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { errorOf } from '../api/client';
import { useI18n, type I18n } from '../i18n/i18n';
import { accountPath, useSession } from '../shell/session';
import { changeTabList, readTabList } from '../shell/tab-store';
import { bulkOutcome, isRunning, type BulkAction } from './bulk-action';

/**
 * Bulk actions the API runs as jobs (more than 100 contacts), followed above every screen until
 * they end, and after a reload. They were followed by the selection's bar, which goes with the
 * page: paging, sorting or searching during a job of 47,051 contacts hid its progress for the 29 s
 * it had left, and leaving the list hid its result for good (console audit at 940,000 contacts).
 */
const FollowContext = createContext<(action: BulkAction) => void>(() => undefined);

/** Hands a bulk action answered as a job (queued or running) over to be followed. */
export const useFollowBulkJob = () => useContext(FollowContext);

const POLL_MS = 1000;
const RETRY_MS = 3000;

interface FollowedJob {
  action: BulkAction;
  /** Why its last read failed: it is read again, more slowly, meanwhile. */
  problem: string | null;
}

// The jobs being followed, by account, for the tab: a reload follows them on, and shows a result not dismissed.
const isId = (value: unknown): value is number => Number.isInteger(value);
const storeKey = (accountId: number) => `contacts.bulkJobs.${accountId}`;
const storedIds = (accountId: number) => readTabList(storeKey(accountId), isId);
const storeIds = (accountId: number, change: (ids: number[]) => number[]) => changeTabList(storeKey(accountId), isId, change);

/** What the job does, in a few words. */
function jobWhat(action: BulkAction, t: I18n['t']): string {
  if (action.action_name === 'delete') return t('bulkJobDeleting');
  const added = action.labels.add[0];
  return added !== undefined ? t('bulkJobAdding', { label: added }) : t('bulkJobRemoving', { label: action.labels.remove[0] ?? '' });
}

/** Follows the jobs handed to it (useFollowBulkJob) and shows them above the screen; `onChanged` when one ends. */
export function BulkJobs({ onChanged, children }: { onChanged: () => void; children: ReactNode }) {
  const i18n = useI18n();
  const { t, formatNumber } = i18n;
  const session = useSession();
  const { accountId } = session;
  const [jobs, setJobs] = useState<FollowedJob[]>([]);
  // The line of a job just handed over takes the focus: the bar it was started from goes with the selection.
  const [focusId, setFocusId] = useState<number | null>(null);
  const lines = useRef(new Map<number, HTMLElement>());

  const put = useCallback((action: BulkAction) => {
    setJobs((was) => [...was.filter((j) => j.action.id !== action.id), { action, problem: null }]);
  }, []);
  // A read's answer for a job still followed (one dismissed or gone meanwhile is not brought back).
  const update = useCallback((action: BulkAction, problem: string | null = null) => {
    setJobs((was) => was.map((j) => (j.action.id === action.id ? { action, problem } : j)));
  }, []);

  const follow = useCallback(
    (action: BulkAction) => {
      storeIds(accountId, (ids) => [...ids.filter((id) => id !== action.id), action.id]);
      put(action);
      setFocusId(action.id);
    },
    [accountId, put],
  );

  useEffect(() => {
    if (focusId === null) return;
    lines.current.get(focusId)?.focus();
    setFocusId(null);
  }, [focusId, jobs]);

  const read = useCallback(
    (id: number) => session.client.GET('/api/v1/accounts/{account_id}/bulk_actions/{id}', { params: { path: { ...accountPath(session), id } } }),
    [session],
  );

  // The jobs of this tab started before a reload: read, and followed on while they run.
  useEffect(() => {
    let live = true;
    for (const id of storedIds(accountId)) {
      void read(id).then(({ data, response }) => {
        if (!live) return;
        // Ended, it shows its result until dismissed (the page that started it may not have lived to show it).
        if (data) put(data as BulkAction);
        else if (response.status === 404) storeIds(accountId, (ids) => ids.filter((other) => other !== id));
      });
    }
    return () => {
      live = false;
    };
  }, [accountId, read, put]);

  const drop = useCallback(
    (id: number) => {
      storeIds(accountId, (ids) => ids.filter((other) => other !== id));
      setJobs((was) => was.filter((j) => j.action.id !== id));
    },
    [accountId],
  );

  // Every running job read again after a second (3 s after a failed read), until it ends; the
  // next read is planned from the last answers (`jobs` changes with each).
  useEffect(() => {
    const running = jobs.filter((j) => isRunning(j.action));
    if (!running.length) return;
    const failing = running.some((j) => j.problem);
    let live = true;
    const timer = setTimeout(async () => {
      let ended = false;
      await Promise.all(
        running.map(async ({ action }) => {
          const { data, error, response } = await read(action.id);
          if (!live) return;
          if (!data) {
            // Gone (its account's history purged): nothing more to follow.
            if (response.status === 404) return drop(action.id);
            return update(action, errorOf(error).error);
          }
          const next = data as BulkAction;
          update(next);
          if (!isRunning(next)) ended = true;
        }),
      );
      // The list and the counts read again over the next seconds (see App's `changed`).
      if (live && ended) onChanged();
    }, failing ? RETRY_MS : POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [jobs, read, update, drop, onChanged]);

  function dismiss(id: number) {
    const hadFocus = lines.current.get(id)?.contains(document.activeElement);
    drop(id);
    // The focus was on the line going away: the screen's title takes it, not the page's top.
    if (hadFocus) setTimeout(() => document.querySelector<HTMLElement>('main h1')?.focus());
  }

  return (
    <FollowContext.Provider value={follow}>
      {jobs.length > 0 && (
        <section className="background-work" aria-label={t('bulkJobs')} data-testid="bulk-jobs">
          {jobs.map(({ action, problem }) => (
            <p
              key={action.id}
              className="background-line"
              tabIndex={-1}
              data-testid="bulk-job"
              ref={(el) => {
                if (el) lines.current.set(action.id, el);
                else lines.current.delete(action.id);
              }}
            >
              {isRunning(action) ? (
                <label className="bulk-progress">
                  <span data-testid="bulk-progress" role="status">
                    {jobWhat(action, t)}: {t('bulkProgress', { processed: formatNumber(action.processed), total: formatNumber(action.total) })}
                  </span>
                  <progress max={Math.max(action.total, 1)} value={action.processed} />
                </label>
              ) : (
                <>
                  <span data-testid="bulk-result" role="status" className={action.status === 'failed' ? 'error' : 'saved'}>
                    {jobWhat(action, t)}: {bulkOutcome(action).words(i18n)}
                  </span>{' '}
                  <button type="button" className="link" onClick={() => dismiss(action.id)}>
                    {t('dismiss')}
                  </button>
                </>
              )}
              {problem && isRunning(action) && <span role="alert" className="error">{t('bulkJobUnread', { message: problem })}</span>}
            </p>
          ))}
        </section>
      )}
      {children}
    </FollowContext.Provider>
  );
}

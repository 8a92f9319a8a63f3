import { useEffect, useState } from 'react';
import { errorOf } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { accountPath, useSession } from './session';
import { listOf, type ListSource, type Navigate, type View } from './view';

interface SegmentEntry {
  id: number;
  name: string;
  count?: number | null;
}

/** `refreshed` changes when other users' changes are to be read (the window taken up again, every minute: see App). */
export function Sidebar({ view, onNavigate, revision, refreshed }: { view: View; onNavigate: Navigate; revision: number; refreshed: number }) {
  const { t, plural, formatNumber } = useI18n();
  const session = useSession();
  const [segments, setSegments] = useState<SegmentEntry[]>([]);
  const [labels, setLabels] = useState<string[]>([]);
  // Why the segments could not be read (it used to say "No segments yet", or keep stale counts).
  const [segmentsError, setSegmentsError] = useState<string | null>(null);
  const [labelsError, setLabelsError] = useState<string | null>(null);

  // Read again on every move to another list or screen (counts move as contacts change), not on each sort or search.
  const where = view.screen === 'contacts' ? JSON.stringify(view.list.source) : view.screen;
  useEffect(() => {
    let live = true;
    const path = accountPath(session);
    // Every segment's count in one request (the API runs them as one _msearch).
    session.client
      .GET('/api/v1/accounts/{account_id}/custom_filters', { params: { path, query: { filter_type: 'contact', with_counts: 'true' } } })
      .then(({ data, error }) => {
        if (!live) return;
        setSegmentsError(data ? null : errorOf(error).error);
        // Unread counts are not kept: an old number beside the error read as current.
        setSegments((was) => data ?? was.map((s) => ({ ...s, count: null })));
      });
    session.client.GET('/api/v1/accounts/{account_id}/labels', { params: { path } }).then(({ data, error }) => {
      if (!live) return;
      // Labels that cannot be read say why, as the segments do (it used to look like none).
      setLabelsError(data ? null : errorOf(error).error);
      if (data) setLabels(data.payload.map((l) => l.title));
    });
    return () => {
      live = false;
    };
  }, [session, revision, refreshed, where]);

  const current = view.screen === 'contacts' ? view.list.source : null;
  const here = (active: boolean) => (active ? 'page' : undefined);
  const show = (source: ListSource) => onNavigate({ screen: 'contacts', list: listOf(source) });

  return (
    <nav className="sidebar" id="sidebar" aria-label={t('appName')}>
      <button type="button" className="nav" aria-current={here(current?.kind === 'all')} onClick={() => show({ kind: 'all' })}>
        {t('allContacts')}
      </button>
      <h2 id="segments-heading">{t('segments')}</h2>
      <ul aria-labelledby="segments-heading" data-testid="segments">
        {segmentsError && <li role="alert" className="error">{segmentsError}</li>}
        {!segmentsError && segments.length === 0 && <li className="muted">{t('noSegments')}</li>}
        {segments.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className="nav"
              aria-current={here(current?.kind === 'segment' && current.id === s.id)}
              onClick={() => show({ kind: 'segment', id: s.id })}
              // Said as "Lima people, 2 contacts": the name and the badge alone read as "Lima people2",
              // and a hidden ", 2 contacts" beside them as "Lima people , 2 contacts".
              // A count of null: the segment cannot run now (an attribute it names was deleted, search is away).
              aria-label={s.count == null ? `${s.name}, ${t('segmentNotCounted')}` : `${s.name}, ${plural('count', s.count)}`}
            >
              <span className="segment-name">{s.name}</span>
              <span className="badge" data-testid="segment-count" aria-hidden="true" title={s.count == null ? t('segmentNotCounted') : undefined}>{s.count == null ? '–' : formatNumber(s.count)}</span>
            </button>
          </li>
        ))}
      </ul>
      <h2 id="labels-heading">{t('labels')}</h2>
      <ul aria-labelledby="labels-heading" data-testid="sidebar-labels">
        {labelsError && <li role="alert" className="error">{labelsError}</li>}
        {labels.map((title) => (
          <li key={title}>
            <button
              type="button"
              className="nav"
              aria-current={here(current?.kind === 'label' && current.title === title)}
              onClick={() => show({ kind: 'label', title })}
            >
              {/* The mark is decoration: a screen reader names the label alone, not "number sign vip".
                  One span with the title: the button spreads its children apart (a segment's count goes right). */}
              <span>
                <span aria-hidden="true"># </span>
                {title}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <hr />
      <button type="button" className="nav" aria-current={here(view.screen === 'import')} onClick={() => onNavigate({ screen: 'import' })}>
        {t('importContacts')}
      </button>
      <button type="button" className="nav" aria-current={here(view.screen === 'admin')} onClick={() => onNavigate({ screen: 'admin' })}>
        {t('administration')}
      </button>
    </nav>
  );
}

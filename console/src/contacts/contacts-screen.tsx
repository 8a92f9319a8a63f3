import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { errorOf, type ApiError, type Contact, type ContactList } from '../api/client';
import { FilterBuilder, type Refusal } from '../filters/filter-builder';
import { fromStoredPayload, MAX_SUBSTRING_LENGTH, problemPathOf, toPayload, type FilterItem } from '../filters/filter-model';
import { FilterSummary } from '../filters/filter-summary';
import { useI18n } from '../i18n/i18n';
import type { Said } from '../i18n/said';
import { escapeCancels } from '../shell/escape-cancels';
import { focusIsLost } from '../shell/focus-later';
import { accountPath, useSession } from '../shell/session';
import { useSlow } from '../shell/use-slow';
import { firstPageOf, hashOf, listOf, type ListSource, type ListView, type Navigate } from '../shell/view';
import { bulkOutcome, type BulkAction } from './bulk-action';
import { BulkBar, type BulkSelection } from './bulk-bar';
import { ExportPanel } from './export-panel';
import { exportBodyOf, fetchContacts, type ListReadError } from './fetch-contacts';
import { NewContactForm } from './new-contact-form';
import { contactTitle } from '../contact/contact-title';
import { loadDraftRecord, newContactDraftKey } from '../contact/drafts';

const COLUMNS = ['name', 'email', 'phone_number', 'company_name', 'city', 'country', 'last_activity_at', 'created_at'] as const;
type Column = (typeof COLUMNS)[number];
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];

interface Segment {
  id: number;
  name: string;
  query: { payload?: unknown };
}

function cell(contact: Contact, column: Exclude<Column, DateColumn>): string {
  if (column === 'name' || column === 'email' || column === 'phone_number') return contact[column] ?? '';
  const value = contact.additional_attributes[column];
  return typeof value === 'string' ? value : '';
}

type DateColumn = 'last_activity_at' | 'created_at';
const isDateColumn = (column: Column): column is DateColumn => column === 'last_activity_at' || column === 'created_at';

/**
 * A cell's value, cut after a few lines with the whole of it in its title: one contact with a
 * long unbroken value (a 255-character company) made its column thousands of pixels wide and
 * pushed every other column out of view, for every row of the page.
 */
function CellValue({ text }: { text: string }) {
  return text ? <span className={cellValueClass(text)} title={text}>{text}</span> : null;
}

/**
 * A date as its day over its time, each kept whole: broken at every space, a squeezed column
 * lost the time to the three-line cut ("Mar 22, 2024, 12:00…").
 */
function DateValue({ seconds }: { seconds: number | null }) {
  const { formatDate, formatDateParts } = useI18n();
  if (seconds == null) return null;
  const { day, time } = formatDateParts(seconds);
  return (
    <span className="cell-value" title={formatDate(seconds)}>
      <span className="whole">{day}</span> <span className="whole">{time}</span>
    </span>
  );
}

/**
 * A value with a run of more than 32 characters without a space may be broken anywhere, so its
 * column can give way; the rest break only between words (a phone number or an email split
 * mid-value where the table was squeezed).
 */
const cellValueClass = (text: string) => (isUnbroken(text) ? 'cell-value unbroken' : 'cell-value');
const isUnbroken = (text: string) => /\S{33}/.test(text);

/**
 * A contact without a name is listed by its email, which may break after its @ there (<wbr> adds
 * nothing to a copy): whole in both columns, the longest set both widths, and contacts named by
 * their email pushed Labels out of a laptop-wide table. The email column keeps each email whole.
 */
function breakableAfterAt(text: string): ReactNode {
  const at = text.indexOf('@');
  if (at <= 0 || at === text.length - 1 || /\s/.test(text)) return text;
  return (
    <>
      {text.slice(0, at + 1)}
      <wbr />
      {text.slice(at + 1)}
    </>
  );
}

function bulkSelection(source: ListSource, selected: Set<number>, allMatching: boolean): BulkSelection {
  if (allMatching && source.kind === 'filter') return { payload: toPayload(source.payload) };
  if (allMatching && source.kind === 'segment') return { custom_filter_id: source.id };
  // A label's list is the filter "labels equal to it" (taking a label off its 12,000 carriers
  // meant building that filter first).
  if (allMatching && source.kind === 'label') return { payload: [{ attribute_key: 'labels', filter_operator: 'equal_to', values: [source.title] }] };
  return { ids: [...selected] };
}

/** The search box: typed text goes to the list (and the URL) 300 ms after the last key. */
/** The page without the contacts just deleted; each one it held was counted too. */
function withoutDeleted<L extends { payload: { id: number }[]; meta: { count: number } }>(list: L, deleted: ReadonlySet<number>): L {
  const payload = list.payload.filter((contact) => !deleted.has(contact.id));
  if (payload.length === list.payload.length) return list;
  return { ...list, payload, meta: { ...list.meta, count: Math.max(0, list.meta.count - (list.payload.length - payload.length)) } };
}

function SearchBox({ initial, placeholder, onSearch }: { initial: string; placeholder: string; onSearch: (q: string) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(initial);
  useEffect(() => {
    const q = text.trim();
    if (q === initial) return;
    const timer = setTimeout(() => onSearch(q), 300);
    return () => clearTimeout(timer);
  }, [text, initial, onSearch]);
  return (
    <label className="search">
      <span className="visually-hidden">{t('search')}</span>
      {/* No longer than the API reads: a longer q offered a Retry that could only fail again. */}
      <input type="search" dir="auto" aria-label={t('search')} placeholder={placeholder} value={text} maxLength={MAX_SUBSTRING_LENGTH} onChange={(e) => setText(e.target.value)} />
    </label>
  );
}

/**
 * A list of contacts: all, a label's, a filter's or a segment's, searched within, sorted and paged
 * as `list` says (the URL holds it: see shell/view.ts). Every change of sort, search or page goes
 * through `navigate`, so that Back, Forward and a reload find the list as it was.
 */
export function ContactsScreen({ list, searchEpoch, navigate, onChanged, revision, refreshed, deleted }: {
  list: ListView;
  /** Changes when the list was changed from outside the search box (Back, a link): the box shows the list's search again. */
  searchEpoch: number;
  navigate: Navigate;
  onChanged: () => void;
  revision: number;
  /** Changes when other users' changes are to be read (see App): whether a label's list still has its label. */
  refreshed: number;
  /** Contacts just deleted, which the index may still hold for a second: not shown, nor counted. */
  deleted: ReadonlySet<number>;
}) {
  const { t, plural, formatNumber, say } = useI18n();
  const session = useSession();
  // The screen is keyed by its source (App): the first one is kept, so that a sort or a page,
  // which brings a new but equal source from the URL, does not read the segment again.
  const [source] = useState(list.source);
  const { sort, q, at } = list;
  const [result, setResult] = useState<{ key: string; list: ContactList | null; error: ApiError | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const slowRead = useSlow(loading);
  // The rows selected on this page (of this sort and search): another page starts with none.
  const pageKey = JSON.stringify([sort, q, at]);
  const [selection, setSelection] = useState<{ key: string; ids: Set<number> }>({ key: pageKey, ids: new Set() });
  const selected = selection.key === pageKey ? selection.ids : new Set<number>();
  const setSelected = (ids: Set<number>) => setSelection({ key: pageKey, ids });
  // "All matching": the bulk action takes the filter or segment itself, not the page's ids.
  // Kept with the page it was ticked on, as the selection is: another page used to find it still
  // ticked, so selecting that page's rows silently took every matching contact.
  const [allMatchingOn, setAllMatchingOn] = useState<{ key: string; on: boolean }>({ key: pageKey, on: false });
  const allMatching = allMatchingOn.key === pageKey && allMatchingOn.on;
  const setAllMatching = (on: boolean) => setAllMatchingOn({ key: pageKey, on });
  const [bulkResult, setBulkResult] = useState<Said | null>(null);
  // A bulk action ends with its bar gone (the selection is cleared): the focus, which was on one
  // of its buttons, goes to the result (then, once dismissed, to the list's title) instead of
  // dropping to the page's top. `bulkEnded` counts the actions, so that a repeated result moves it too.
  const [bulkEnded, setBulkEnded] = useState(0);
  const bulkResultRef = useRef<HTMLParagraphElement | null>(null);
  const titleRef = useRef<HTMLHeadingElement | null>(null);
  useEffect(() => {
    if (bulkEnded) bulkResultRef.current?.focus();
  }, [bulkEnded]);
  // A new list (a filter applied, a segment saved or deleted, back from a contact): its title takes a lost focus.
  useEffect(() => {
    if (focusIsLost()) titleRef.current?.focus();
  }, []);
  // 'auto': the filter builder opens by itself when the API refuses the list's filter (a filter from a link).
  // A new contact left half typed (its Create met an ended session, or the screen was left) opens again as it was.
  const [panel, setPanel] = useState<'auto' | 'none' | 'filter' | 'new' | 'export'>(() => (Object.keys(loadDraftRecord(newContactDraftKey(session))).length ? 'new' : 'auto'));
  const [segment, setSegment] = useState<Segment | null>(null);
  const [segmentError, setSegmentError] = useState<string | null>(null);
  // Answered 404 (deleted elsewhere, a stale link): said so, with nothing to retry or export.
  const [segmentMissing, setSegmentMissing] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  // A confirmation given up (Cancel, Escape, a refusal) gives the focus back to "Delete segment",
  // which it replaced; the focus used to fall to the page's body.
  const refocusDelete = useRef(false);
  const giveUpDelete = () => {
    refocusDelete.current = true;
    setConfirmingDelete(false);
  };
  // A segment that could not be read (deleted elsewhere, a stale link): nothing to edit or delete.
  const segmentGone = source.kind === 'segment' && segment === null && segmentError !== null;
  // The buttons that open the panels: a panel given up (Escape, Cancel) gives the focus back to
  // its button, not to the page's top, where a keyboard user would have to start again.
  const openers = useRef<Partial<Record<'filter' | 'new' | 'export', HTMLButtonElement | null>>>({});
  const closePanel = (which: 'filter' | 'new' | 'export') => {
    setPanel('none');
    openers.current[which]?.focus();
  };

  const showList = useCallback((next: ListView, replace = false) => navigate({ screen: 'contacts', list: next }, { replace, keepSearch: true }), [navigate]);
  const onSearch = useCallback(
    // The first search of a list is a new entry in the history (Back leaves the search); refining it is not.
    (text: string) => showList({ ...firstPageOf(list), q: text }, list.q !== '' && text !== ''),
    [list, showList],
  );

  useEffect(() => {
    if (source.kind !== 'segment') return;
    session.client
      .GET('/api/v1/accounts/{account_id}/custom_filters/{id}', { params: { path: { ...accountPath(session), id: source.id } } })
      .then(({ data, error, response }) => {
        if (data) return setSegment(data as Segment);
        setSegmentError(errorOf(error).error);
        setSegmentMissing(response.status === 404);
      });
  }, [session, source, revision]);

  // A label's list whose label is gone (deleted or renamed by an administrator): said so, where it
  // showed "0 contacts" as if the label were merely unused.
  const [labelGone, setLabelGone] = useState(false);
  useEffect(() => {
    if (source.kind !== 'label') return;
    let live = true;
    session.client.GET('/api/v1/accounts/{account_id}/labels', { params: { path: accountPath(session) } }).then(({ data }) => {
      // A read that fails claims nothing: the list says what it can.
      if (live && data) setLabelGone(!data.payload.some((l) => l.title.toLowerCase() === source.title.toLowerCase()));
    });
    return () => {
      live = false;
    };
  }, [session, source, revision, refreshed]);

  const badPosition = list.badPosition === true;
  const fetchKey = JSON.stringify([source, sort, at, q, badPosition]);
  // "Try again", or a retry by itself after a 503 (search unavailable for now, e.g. Elasticsearch
  // restarting): the list said "try again shortly" and stayed so until a reload.
  const [attempt, setAttempt] = useState({ key: fetchKey, n: 0 });
  const retries = attempt.key === fetchKey ? attempt.n : 0;
  const tryAgain = () => setAttempt({ key: fetchKey, n: retries + 1 });
  useEffect(() => {
    // A link to a page it cannot lead to: nothing is read, the screen says so (below).
    if (badPosition) return setLoading(false);
    let live = true;
    setLoading(true);
    fetchContacts(session.client, session, source, { sort, at, q: q || undefined })
      .then((page) => live && setResult({ key: fetchKey, list: page, error: null }))
      // A list that cannot be read says why, instead of loading for ever.
      .catch((err) => live && setResult({ key: fetchKey, list: null, error: errorOf(err) }))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [session, source, sort, at, q, badPosition, fetchKey, revision, retries]);

  const current = result?.key === fetchKey ? result : null;
  const read = badPosition ? null : current?.list ?? (loading ? result?.list ?? null : null);
  const shown = read && withoutDeleted(read, deleted);
  const failure = current?.error ?? null;
  // A 503 is read again by itself, after 1, 2, 4 and 8 s; then "Try again" is left to the user.
  const unavailable = !loading && (failure as ListReadError | null)?.status === 503;
  useEffect(() => {
    if (!unavailable || retries >= RETRY_DELAYS_MS.length) return;
    const timer = setTimeout(() => setAttempt({ key: fetchKey, n: retries + 1 }), RETRY_DELAYS_MS[retries]);
    return () => clearTimeout(timer);
  }, [unavailable, retries, fetchKey]);
  // A cursor the API refuses (tampered with, or from another sort): the link's position is not valid.
  const positionInvalid = badPosition || failure?.field === 'after' || failure?.field === 'before';
  // A filter from a link that the API refuses opens the builder at the condition it names.
  const filterRefused = source.kind === 'filter' && failure && problemPathOf(failure.field) !== null ? failure : null;
  const panelShown = panel === 'auto' ? (filterRefused ? 'filter' : 'none') : panel;
  // A segment the API refuses to run (an attribute of its filter deleted since): trying again
  // cannot help, editing it can.
  const segmentRefused = source.kind === 'segment' && !positionInvalid && (failure as ListReadError | null)?.status === 422;

  function sortBy(column: Column) {
    showList({ ...firstPageOf(list), sort: sort === column ? `-${column}` : column });
  }
  const ariaSort = (column: Column) => (sort === column ? 'ascending' : sort === `-${column}` ? 'descending' : 'none');

  /** Runs the filter once (one row) before showing it, so that a refusal keeps the builder open at the condition. */
  async function applyFilter(items: FilterItem[]): Promise<ApiError | null> {
    const { error: refused } = await session.client.POST('/api/v1/accounts/{account_id}/contacts/filter', {
      params: { path: accountPath(session), query: { per_page: 1 } },
      body: { payload: toPayload(items) },
    });
    if (refused) return errorOf(refused);
    setPanel('none');
    navigate({ screen: 'contacts', list: { ...listOf({ kind: 'filter', payload: items }), sort } });
    return null;
  }

  async function saveSegment(name: string, items: FilterItem[]): Promise<ApiError | null> {
    const { data, error: failed } = await session.client.POST('/api/v1/accounts/{account_id}/custom_filters', {
      params: { path: accountPath(session) },
      body: { name, filter_type: 'contact', query: { payload: toPayload(items) } },
    });
    if (failed || !data) return errorOf(failed);
    onChanged();
    navigate({ screen: 'contacts', list: listOf({ kind: 'segment', id: (data as Segment).id }) });
    return null;
  }

  async function updateSegment(name: string, items: FilterItem[]): Promise<Refusal | null> {
    if (source.kind !== 'segment') return null;
    const { error: failed, response } = await session.client.PATCH('/api/v1/accounts/{account_id}/custom_filters/{id}', {
      params: { path: { ...accountPath(session), id: source.id } },
      body: { name, query: { payload: toPayload(items) } },
    });
    // Deleted by someone else while it was edited: the conditions stay, to be saved as a new one.
    if (response.status === 404) return { inWords: 'segmentDeletedMeanwhile' };
    if (failed) return errorOf(failed);
    setPanel('none');
    // The builder that held the focus closes: its title takes it, as after a new segment (it fell to the page).
    titleRef.current?.focus();
    onChanged();
    return null;
  }

  async function deleteSegment() {
    if (source.kind !== 'segment') return;
    const { error: failed } = await session.client.DELETE('/api/v1/accounts/{account_id}/custom_filters/{id}', { params: { path: { ...accountPath(session), id: source.id } } });
    // Refused or not reached: say why and stay on the segment (it used to leave as if deleted).
    if (failed) {
      giveUpDelete();
      return setSegmentError(errorOf(failed).error);
    }
    setConfirmingDelete(false);
    onChanged();
    navigate({ screen: 'contacts', list: listOf({ kind: 'all' }) });
  }

  /** The selection's bar goes once its action is done, or handed over as a job (followed above the screen). */
  function clearSelection() {
    setAllMatching(false);
    setSelected(new Set());
  }

  function bulkDone(action: BulkAction) {
    clearSelection();
    setBulkResult(bulkOutcome(action));
    setBulkEnded((n) => n + 1);
    // The list and the segment counts read them again over the next seconds (see App's `changed`).
    onChanged();
  }

  const listName =
    source.kind === 'segment' ? segment?.name ?? (segmentMissing ? t('segmentMissingTitle') : '') : source.kind === 'label' ? `# ${source.title}` : source.kind === 'filter' ? t('filteredTitle') : t('allContacts');
  const rows = shown?.payload ?? [];
  const allSelected = rows.length > 0 && rows.every((c) => selected.has(c.id));
  const count = shown ? plural('count', shown.meta.count) : '';
  // The page's number: the last page's from its answer; a page read back to the list's start is the
  // first, whatever number it was reached as (contacts before it deleted meanwhile).
  const answered = current?.list;
  const pageNumber = at && 'before' in at && answered && !answered.meta.prev_cursor ? 1 : (list.page ?? answered?.meta.current_page ?? null);
  const prevCursor = loading ? null : shown?.meta.prev_cursor;
  const nextCursor = loading ? null : shown?.meta.next_cursor;
  const onFirstPage = !at;
  const onLastPage = !!at && 'last' in at;

  return (
    <section className="contacts" aria-labelledby="list-title">
      <div className="toolbar">
        <h1 id="list-title" tabIndex={-1} ref={titleRef}>{listName}</h1>
        {!segmentMissing && <SearchBox
          key={searchEpoch}
          initial={q}
          placeholder={source.kind === 'all' ? t('searchPlaceholder') : t('searchWithin', { list: listName })}
          onSearch={onSearch}
        />}
        {!segmentGone && <button type="button" ref={(el) => { openers.current.filter = el; }} aria-expanded={panelShown === 'filter'} onClick={() => setPanel(panelShown === 'filter' ? 'none' : 'filter')}>
          {source.kind === 'segment' ? t('editSegment') : t('filter')}
        </button>}
        {source.kind === 'filter' && (
          <button type="button" onClick={() => navigate({ screen: 'contacts', list: listOf({ kind: 'all' }) })}>{t('clear')}</button>
        )}
        {source.kind === 'segment' && !segmentGone && !confirmingDelete && (
          <button type="button" onClick={() => setConfirmingDelete(true)}
            ref={(el) => {
              if (el && refocusDelete.current) {
                refocusDelete.current = false;
                el.focus();
              }
            }}>
            {t('deleteSegment')}
          </button>
        )}
        {source.kind === 'segment' && confirmingDelete && (
          <span role="group" aria-label={t('confirmDeleteSegment', { name: segment?.name ?? '' })} onKeyDown={escapeCancels(giveUpDelete)}>
            {t('confirmDeleteSegment', { name: segment?.name ?? '' })}{' '}
            <button type="button" className="danger" onClick={deleteSegment}>{t('confirm')}</button>
            <button type="button" autoFocus onClick={giveUpDelete}>{t('cancel')}</button>
          </span>
        )}
        {!segmentGone && <button type="button" ref={(el) => { openers.current.export = el; }} aria-expanded={panel === 'export'} onClick={() => setPanel(panel === 'export' ? 'none' : 'export')}>{t('export')}</button>}
        <button type="button" className="primary" ref={(el) => { openers.current.new = el; }} aria-expanded={panel === 'new'} onClick={() => setPanel(panel === 'new' ? 'none' : 'new')}>{t('newContact')}</button>
      </div>
      {source.kind === 'filter' && panelShown !== 'filter' && <FilterSummary items={source.payload} />}
      {source.kind === 'segment' && segment && panelShown !== 'filter' && <FilterSummary items={fromStoredPayload((segment.query.payload as FilterItem[]) ?? [])} />}

      {panel === 'new' && (
        <NewContactForm
          onCreated={(id) => {
            setPanel('none');
            onChanged();
            navigate({ screen: 'contact', id, back: list }, { fromList: true });
          }}
          onCancel={() => closePanel('new')}
        />
      )}
      {panel === 'export' && (
        <ExportPanel
          body={exportBodyOf(source, q || undefined, sort)}
          scope={
            // "the 1 contacts" was the plural of one.
            shown
              ? plural(q ? 'exportScopeSearch' : 'exportScope', shown.meta.count, { list: listName, q })
              : t(q ? 'exportScopeSearch' : 'exportScope', { n: '…', list: listName, q })
          }
          total={shown?.meta.count}
          onClose={() => closePanel('export')}
        />
      )}
      {panelShown === 'filter' && (source.kind !== 'segment' || segment) && (
        <FilterBuilder
          initial={source.kind === 'filter' ? fromStoredPayload(source.payload) : source.kind === 'segment' ? fromStoredPayload((segment?.query.payload as FilterItem[]) ?? []) : []}
          segmentName={source.kind === 'segment' ? segment?.name : undefined}
          refused={filterRefused}
          onApply={applyFilter}
          onClear={() => navigate({ screen: 'contacts', list: listOf({ kind: 'all' }) })}
          onSaveAs={saveSegment}
          onUpdateSegment={source.kind === 'segment' ? updateSegment : undefined}
          onCancel={() => closePanel('filter')}
        />
      )}
      {list.badFilter && (
        <p role="alert" className="error" data-testid="filter-unreadable">{t('filterLinkUnreadable')}</p>
      )}
      {list.badLink && (
        <p role="alert" className="error" data-testid="link-unreadable">{t('linkNotUnderstood')}</p>
      )}
      {positionInvalid ? (
        <p role="alert" className="error" data-testid="position-invalid">
          {t('positionInvalid')}{' '}
          <button
            type="button"
            onClick={() => {
              showList(firstPageOf(list));
              // The message goes with its button: the focus goes to the list's title.
              titleRef.current?.focus();
            }}
          >
            {t('goToFirstPage')}
          </button>
        </p>
      ) : (
        failure && panelShown !== 'filter' && !segmentMissing && (
          <p role="alert" className="error">
            {segmentRefused ? (
              <>
                {t('segmentRefused', { message: failure.error })}{' '}
                <button type="button" onClick={() => setPanel('filter')}>{t('editConditions')}</button>
              </>
            ) : (
              <>
                {t('listFailed', { message: failure.error })}{' '}
                <button type="button" aria-disabled={loading} onClick={() => !loading && tryAgain()}>{t('tryAgain')}</button>
              </>
            )}
          </p>
        )
      )}
      {segmentMissing ? (
        <p role="alert" className="error" data-testid="segment-missing">{t('segmentMissing')}</p>
      ) : (
        segmentError && segmentError !== failure?.error && <p role="alert" className="error">{segmentError}</p>
      )}

      {labelGone && source.kind === 'label' && (
        <p role="alert" className="error" data-testid="label-gone">{t('labelGone', { title: source.title })}</p>
      )}
      {/* A segment that does not exist has no list: a table and pager under its message read as an empty segment. */}
      {!segmentMissing && <p className="count" aria-live="polite" data-testid="count">
        {loading && !shown && !badPosition ? t('loading') : labelGone ? '' : count}
      </p>}
      {/* The rows shown are the last answer's while a slow read runs: said, as the header and the URL already show what is asked. */}
      {slowRead && shown && <p className="hint" role="status" data-testid="list-loading">{t('loading')}</p>}
      {q && (
        <p className="hint search-scope" data-testid="search-scope">
          {t('searchingWithin', { q, list: listName })}
        </p>
      )}
      {bulkResult && (
        <p role="status" className="saved" data-testid="bulk-result" tabIndex={-1} ref={bulkResultRef}>
          {say(bulkResult)}{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              setBulkResult(null);
              titleRef.current?.focus();
            }}
          >
            {t('dismiss')}
          </button>
        </p>
      )}

      {allSelected && shown && shown.meta.count > rows.length && source.kind !== 'all' && !q && (
        <label className="all-matching">
          <input type="checkbox" checked={allMatching} onChange={(e) => setAllMatching(e.target.checked)} />
          {plural('selectAllMatching', shown.meta.count)}
        </label>
      )}
      {selected.size > 0 && (
        <BulkBar
          selection={bulkSelection(source, selected, allMatching && allSelected)}
          count={allMatching && allSelected && shown ? shown.meta.count : selected.size}
          onDone={bulkDone}
          onStarted={clearSelection}
        />
      )}

      {!segmentMissing && (
        <>
        <div className="table-scroll">
          <table className="contact-table" aria-busy={loading}>
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label={t('selectAll')}
                    checked={allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((c) => c.id)))}
                  />
                </th>
                {COLUMNS.map((column) => (
                  <th key={column} scope="col" aria-sort={ariaSort(column)}>
                    <button type="button" className="sort" onClick={() => sortBy(column)} title={t('sortBy', { column: t(column) })}>
                      {t(column)}
                      <span aria-hidden="true">{sort === column ? ' ▲' : sort === `-${column}` ? ' ▼' : ''}</span>
                    </button>
                  </th>
                ))}
                <th scope="col">{t('labels')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((contact) => (
                <tr key={contact.id} data-testid="contact-row">
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('selectRow', { name: contactTitle(contact) })}
                      checked={selected.has(contact.id)}
                      onChange={() => {
                        const next = new Set(selected);
                        if (next.has(contact.id)) next.delete(contact.id);
                        else next.add(contact.id);
                        setSelected(next);
                      }}
                    />
                  </td>
                  {COLUMNS.map((column) => (
                    <td key={column}>
                      {column === 'name' ? (
                        <a
                          className={cellValueClass(contactTitle(contact))}
                          title={contactTitle(contact)}
                          href={hashOf({ screen: 'contact', id: contact.id, back: list })}
                          onClick={(e) => {
                            if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
                            e.preventDefault();
                            navigate({ screen: 'contact', id: contact.id, back: list }, { fromList: true });
                          }}
                        >
                          {breakableAfterAt(contactTitle(contact))}
                        </a>
                      ) : isDateColumn(column) ? (
                        <DateValue seconds={contact[column]} />
                      ) : (
                        <CellValue text={cell(contact, column)} />
                      )}
                    </td>
                  ))}
                  <td>
                    <ul className="chips">
                      {contact.labels.map((label) => (
                        <li key={label} className={isUnbroken(label) ? 'chip unbroken' : 'chip'}>{label}</li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
              {shown && rows.length === 0 && (
                <tr>
                  <td colSpan={COLUMNS.length + 2} className="muted">{t('noContacts')}</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>

        {/* aria-disabled, not disabled: a button that becomes disabled under the focus (Next while the
            page loads, Previous on reaching the first page) dropped the focus to the page's top. */}
        <nav className="pager" aria-label={pageNumber === null ? t('lastPage') : t('pageN', { n: formatNumber(pageNumber) })}>
          <button type="button" aria-disabled={onFirstPage} onClick={() => !onFirstPage && showList(firstPageOf(list))}>{t('firstPage')}</button>
          <button
            type="button"
            aria-disabled={onFirstPage || !prevCursor}
            onClick={() => !onFirstPage && prevCursor && showList(pageNumber !== null && pageNumber <= 2 ? firstPageOf(list) : { ...list, page: pageNumber && pageNumber - 1, at: { before: prevCursor } })}
          >
            {t('previousPage')}
          </button>
          <span>{pageNumber === null ? t('lastPage') : t('pageN', { n: formatNumber(pageNumber) })}</span>
          <button
            type="button"
            aria-disabled={!nextCursor || rows.length === 0}
            onClick={() => nextCursor && rows.length > 0 && showList({ ...list, page: (pageNumber ?? 0) + 1, at: { after: nextCursor } })}
          >
            {t('nextPage')}
          </button>
          <button type="button" aria-disabled={onLastPage || !nextCursor} onClick={() => !onLastPage && nextCursor && showList({ ...list, page: null, at: { last: true } })}>
            {t('lastPage')}
          </button>
        </nav>
        </>
      )}
    </section>
  );
}

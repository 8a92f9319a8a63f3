import { useCallback, useEffect, useState } from 'react';
import { authorizedFetch, download, errorOf, type Contact, type ContactList } from '../api/client';
import { FilterBuilder } from '../filters/filter-builder';
import { toPayload, type FilterItem } from '../filters/filter-model';
import { useI18n } from '../i18n/i18n';
import { accountPath, useSession } from '../shell/session';
import type { ListSource, View } from '../shell/view';
import { BulkBar, type BulkSelection } from './bulk-bar';
import { exportBodyOf, fetchContacts } from './fetch-contacts';
import { NewContactForm } from './new-contact-form';

const COLUMNS = ['name', 'email', 'phone_number', 'company_name', 'city', 'country', 'last_activity_at', 'created_at'] as const;
type Column = (typeof COLUMNS)[number];
const DEFAULT_SORT = '-last_activity_at';

interface Segment {
  id: number;
  name: string;
  query: { payload?: unknown };
}

function cell(contact: Contact, column: Column, formatDate: (s: number | null) => string): string {
  if (column === 'last_activity_at' || column === 'created_at') return formatDate(contact[column]);
  if (column === 'name' || column === 'email' || column === 'phone_number') return contact[column] ?? '';
  const value = contact.additional_attributes[column];
  return typeof value === 'string' ? value : '';
}

function bulkSelection(source: ListSource, selected: Set<number>, allMatching: boolean): BulkSelection {
  if (allMatching && source.kind === 'filter') return { payload: toPayload(source.payload) };
  if (allMatching && source.kind === 'segment') return { custom_filter_id: source.id };
  return { ids: [...selected] };
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function ContactsScreen({ source, onNavigate, onChanged, revision }: {
  source: ListSource;
  onNavigate: (view: View) => void;
  onChanged: () => void;
  revision: number;
}) {
  const { t, formatDate, formatNumber } = useI18n();
  const session = useSession();
  const [sort, setSort] = useState(DEFAULT_SORT);
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  // The cursors of the pages up to this one (paging is by cursor, to any depth), kept for one
  // sort and search: another starts again from the first page.
  const pagingKey = `${sort}|${q}`;
  const [paging, setPaging] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: pagingKey, cursors: [undefined] });
  const cursors = paging.key === pagingKey ? paging.cursors : [undefined];
  const setCursors = (next: (string | undefined)[]) => {
    setSelected(new Set());
    setPaging({ key: pagingKey, cursors: next });
  };
  const [list, setList] = useState<ContactList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  // "All matching": the bulk action takes the filter or segment itself, not the page's ids.
  const [allMatching, setAllMatching] = useState(false);
  const [reload, setReload] = useState(0);
  const [panel, setPanel] = useState<'none' | 'filter' | 'new'>('none');
  const [filterError, setFilterError] = useState<string | null>(null);
  const [segment, setSegment] = useState<Segment | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const after = cursors[cursors.length - 1];

  const refresh = useCallback(() => setReload((n) => n + 1), []);

  useEffect(() => {
    if (source.kind !== 'segment') return;
    session.client
      .GET('/api/v1/accounts/{account_id}/custom_filters/{id}', { params: { path: { ...accountPath(session), id: source.id } } })
      .then(({ data }) => data && setSegment(data as Segment));
  }, [session, source, revision]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    fetchContacts(session.client, session, source, { sort, after, q: q || undefined })
      .then((page) => {
        if (!live) return;
        setList(page);
        setError(null);
        setFilterError(null);
      })
      .catch((err) => {
        if (!live) return;
        const message = errorOf(err).error;
        if (source.kind === 'filter') setFilterError(message);
        else setError(message);
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [session, source, sort, after, q, reload, revision]);

  function sortBy(column: Column) {
    setSelected(new Set());
    setSort((current) => (current === column ? `-${column}` : column));
  }
  const ariaSort = (column: Column) => (sort === column ? 'ascending' : sort === `-${column}` ? 'descending' : 'none');

  async function exportCsv() {
    const res = await authorizedFetch(session, '/contacts/export', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(exportBodyOf(source)),
    });
    if (res.ok) await download(res, 'contacts.csv');
    else setError(errorOf(await res.json().catch(() => null)).error);
  }

  async function saveSegment(name: string, items: FilterItem[]) {
    const { data, error: failed } = await session.client.POST('/api/v1/accounts/{account_id}/custom_filters', {
      params: { path: accountPath(session) },
      body: { name, filter_type: 'contact', query: { payload: toPayload(items) } },
    });
    if (failed || !data) return setFilterError(errorOf(failed).error);
    onChanged();
    onNavigate({ screen: 'contacts', source: { kind: 'segment', id: (data as Segment).id } });
  }

  async function updateSegment(name: string, items: FilterItem[]) {
    if (source.kind !== 'segment') return;
    const { error: failed } = await session.client.PATCH('/api/v1/accounts/{account_id}/custom_filters/{id}', {
      params: { path: { ...accountPath(session), id: source.id } },
      body: { name, query: { payload: toPayload(items) } },
    });
    if (failed) return setFilterError(errorOf(failed).error);
    setPanel('none');
    onChanged();
  }

  async function deleteSegment() {
    if (source.kind !== 'segment') return;
    await session.client.DELETE('/api/v1/accounts/{account_id}/custom_filters/{id}', { params: { path: { ...accountPath(session), id: source.id } } });
    onChanged();
    onNavigate({ screen: 'contacts', source: { kind: 'all' } });
  }

  const title =
    source.kind === 'segment' ? segment?.name ?? '' : source.kind === 'label' ? `# ${source.title}` : source.kind === 'filter' ? t('filterTitle') : t('allContacts');
  const rows = list?.payload ?? [];
  const allSelected = rows.length > 0 && rows.every((c) => selected.has(c.id));

  return (
    <section className="contacts" aria-labelledby="list-title">
      <div className="toolbar">
        <h1 id="list-title">{title}</h1>
        <label className="search">
          <span className="visually-hidden">{t('search')}</span>
          <input type="search" aria-label={t('search')} placeholder={t('searchPlaceholder')} value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <button type="button" aria-expanded={panel === 'filter'} onClick={() => setPanel(panel === 'filter' ? 'none' : 'filter')}>
          {source.kind === 'segment' ? t('editSegment') : t('filter')}
        </button>
        {source.kind === 'filter' && (
          <button type="button" onClick={() => onNavigate({ screen: 'contacts', source: { kind: 'all' } })}>{t('clear')}</button>
        )}
        {source.kind === 'segment' && !confirmingDelete && <button type="button" onClick={() => setConfirmingDelete(true)}>{t('deleteSegment')}</button>}
        {source.kind === 'segment' && confirmingDelete && (
          <span role="group" aria-label={t('confirmDeleteSegment', { name: segment?.name ?? '' })}>
            {t('confirmDeleteSegment', { name: segment?.name ?? '' })}{' '}
            <button type="button" className="danger" onClick={deleteSegment}>{t('confirm')}</button>
            <button type="button" onClick={() => setConfirmingDelete(false)}>{t('cancel')}</button>
          </span>
        )}
        <button type="button" onClick={exportCsv}>{t('export')}</button>
        <button type="button" className="primary" onClick={() => setPanel(panel === 'new' ? 'none' : 'new')}>{t('newContact')}</button>
      </div>

      {panel === 'new' && (
        <NewContactForm
          onCreated={(id) => {
            setPanel('none');
            onChanged();
            onNavigate({ screen: 'contact', id, back: source });
          }}
          onCancel={() => setPanel('none')}
        />
      )}
      {panel === 'filter' && (source.kind !== 'segment' || segment) && (
        <FilterBuilder
          initial={source.kind === 'filter' ? source.payload : source.kind === 'segment' ? ((segment?.query.payload as FilterItem[]) ?? []) : []}
          segmentName={source.kind === 'segment' ? segment?.name : undefined}
          error={filterError}
          onApply={(items) => {
            setPanel('none');
            onNavigate({ screen: 'contacts', source: { kind: 'filter', payload: items } });
          }}
          onClear={() => onNavigate({ screen: 'contacts', source: { kind: 'all' } })}
          onSaveAs={source.kind === 'segment' ? undefined : saveSegment}
          onUpdateSegment={source.kind === 'segment' ? updateSegment : undefined}
          onCancel={() => setPanel('none')}
        />
      )}
      {filterError && panel !== 'filter' && <p role="alert" className="error">{filterError}</p>}
      {error && <p role="alert" className="error">{error}</p>}

      <p className="count" aria-live="polite" data-testid="count">
        {list ? (list.meta.count === 1 ? t('countOne') : t('count', { n: formatNumber(list.meta.count) })) : t('loading')}
      </p>

      {allSelected && list && list.meta.count > rows.length && (source.kind === 'filter' || source.kind === 'segment') && !q && (
        <label className="all-matching">
          <input type="checkbox" checked={allMatching} onChange={(e) => setAllMatching(e.target.checked)} />
          {t('selectAllMatching', { n: formatNumber(list.meta.count) })}
        </label>
      )}
      {selected.size > 0 && (
        <BulkBar
          selection={bulkSelection(source, selected, allMatching && allSelected)}
          count={allMatching && allSelected && list ? list.meta.count : selected.size}
          onDone={() => {
            setAllMatching(false);
            setSelected(new Set());
            onChanged();
            // The list reads the search index, which holds the change within a second or so.
            for (const ms of [0, 800, 2000, 4000]) setTimeout(refresh, ms);
          }}
        />
      )}

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
                  aria-label={t('selectRow', { name: contact.name ?? contact.email ?? String(contact.id) })}
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
                      href={`#contact-${contact.id}`}
                      onClick={(e) => {
                        e.preventDefault();
                        onNavigate({ screen: 'contact', id: contact.id, back: source });
                      }}
                    >
                      {contact.name || contact.email || contact.phone_number || `#${contact.id}`}
                    </a>
                  ) : (
                    cell(contact, column, formatDate)
                  )}
                </td>
              ))}
              <td>
                <ul className="chips">
                  {contact.labels.map((label) => (
                    <li key={label} className="chip">{label}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
          {list && rows.length === 0 && (
            <tr>
              <td colSpan={COLUMNS.length + 2} className="muted">{t('noContacts')}</td>
            </tr>
          )}
        </tbody>
      </table>

      <nav className="pager" aria-label={t('pageN', { n: cursors.length })}>
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors([undefined])}>{t('firstPage')}</button>
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>{t('previousPage')}</button>
        <span>{t('pageN', { n: cursors.length })}</span>
        <button type="button" disabled={loading || !list?.meta.next_cursor || rows.length === 0} onClick={() => list?.meta.next_cursor && setCursors([...cursors, list.meta.next_cursor])}>
          {t('nextPage')}
        </button>
      </nav>
    </section>
  );
}

import { isFilterShape, type FilterItem } from '../filters/filter-model';

/** Which contacts the list shows. */
export type ListSource =
  | { kind: 'all' }
  | { kind: 'filter'; payload: FilterItem[] }
  | { kind: 'segment'; id: number }
  | { kind: 'label'; title: string };

export const DEFAULT_SORT = '-last_activity_at';

/**
 * How the page shown is read: going on after a cursor (meta.next_cursor), going back before one
 * (meta.prev_cursor), or the list's last page. The first page needs none.
 */
export type PagePosition = { after: string } | { before: string } | { last: true };

/** Where the user is in a list: its source, sort, search text, and the page shown (paging is by cursor, to any depth, from either end). */
export interface ListView {
  source: ListSource;
  sort: string;
  q: string;
  /** The page's number: 1 for the first; null for the last page until its answer says (meta.current_page). */
  page: number | null;
  /** Where the page is read from; absent on the first page. */
  at?: PagePosition;
  /**
   * The link asked for a page it cannot lead to (a cursor without its page number, a page
   * number without its cursor): the list says so and offers the first page, instead of showing
   * the first page as if it were the one asked for. (A cursor the API refuses, 422 naming
   * `after` or `before`, is said the same way.)
   */
  badPosition?: boolean;
  /** The link named a filter that cannot be read (not JSON, cut short by a mail client): all contacts are listed, and the list says why. */
  badFilter?: boolean;
  /** The link named no screen of the console (`#/contact/abc`, a mistyped path): all contacts are listed, and the list says why. */
  badLink?: boolean;
}

export const listOf = (source: ListSource): ListView => ({ source, sort: DEFAULT_SORT, q: '', page: 1 });

/** The same list (source, sort, search) at its first page. */
export const firstPageOf = (list: ListView): ListView => ({ ...list, page: 1, at: undefined, badPosition: undefined });

export type View =
  | { screen: 'contacts'; list: ListView }
  | { screen: 'contact'; id: number; back: ListView }
  | { screen: 'import' }
  | { screen: 'admin' };

export const ALL_CONTACTS: View & { screen: 'contacts' } = { screen: 'contacts', list: listOf({ kind: 'all' }) };

export interface NavigateOptions {
  /** Replace the current history entry instead of adding one (a search being refined). */
  replace?: boolean;
  /** Leave the search box as it is: the change came from it, or does not touch the search. */
  keepSearch?: boolean;
  /** A contact opened from the list: "Back to the list" goes back in the history, to that list as it was. */
  fromList?: boolean;
}

export type Navigate = (view: View, options?: NavigateOptions) => void;

// The view lives in the URL's hash, so that a reload, Back and Forward and a copied link keep it:
//   #/contacts, #/label/<title>, #/segment/<id>, #/filter?payload=<json>   a list, with
//     ?sort=&q=&page=n&after=   page n, going on (or &before=, going back); ?page=last the last page
//   #/contact/<id>?from=<the list's hash>   a contact, and the list to go back to
//   #/import, #/admin

function listPath(source: ListSource): string {
  switch (source.kind) {
    case 'label':
      return `/label/${encodeURIComponent(source.title)}`;
    case 'segment':
      return `/segment/${source.id}`;
    case 'filter':
      return '/filter';
    default:
      return '/contacts';
  }
}

function listHash(list: ListView): string {
  const params = new URLSearchParams();
  if (list.source.kind === 'filter') params.set('payload', JSON.stringify(list.source.payload));
  if (list.sort !== DEFAULT_SORT) params.set('sort', list.sort);
  if (list.q) params.set('q', list.q);
  const at = list.at;
  if (at && 'last' in at) params.set('page', 'last');
  else if (at) {
    params.set('page', String(list.page));
    if ('after' in at) params.set('after', at.after);
    else params.set('before', at.before);
  }
  const query = params.toString();
  return `${listPath(list.source)}${query ? `?${query}` : ''}`;
}

export function hashOf(view: View): string {
  switch (view.screen) {
    case 'contact':
      return `#/contact/${view.id}?${new URLSearchParams({ from: listHash(view.back) })}`;
    case 'import':
      return '#/import';
    case 'admin':
      return '#/admin';
    default:
      return `#${listHash(view.list)}`;
  }
}

function parseSource(path: string, params: URLSearchParams): ListSource | 'unreadable' | null {
  if (path === '/contacts' || path === '' || path === '/') return { kind: 'all' };
  const label = /^\/label\/(.+)$/.exec(path);
  if (label) return { kind: 'label', title: decodeURIComponent(label[1]) };
  const segment = /^\/segment\/(\d+)$/.exec(path);
  if (segment) return { kind: 'segment', id: Number(segment[1]) };
  if (path === '/filter') {
    try {
      const payload: unknown = JSON.parse(params.get('payload') ?? '');
      if (isFilterShape(payload)) return { kind: 'filter', payload };
    } catch {
      // Not JSON: said below, over the list of all contacts.
    }
    return 'unreadable';
  }
  return null;
}

/** A list from its hash. */
function parseList(hash: string): ListView | null {
  const [path, query = ''] = hash.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  const parsed = parseSource(path, params);
  if (!parsed) return null;
  const view = { sort: params.get('sort') || DEFAULT_SORT, q: params.get('q') ?? '', page: 1 };
  if (parsed === 'unreadable') return { ...view, source: { kind: 'all' }, badFilter: true };
  const list: ListView = { ...view, source: parsed };
  const pageText = params.get('page');
  const after = params.get('after');
  const before = params.get('before');
  const page = Number(pageText);
  if (pageText === 'last' && !after && !before) return { ...list, page: null, at: { last: true } };
  if (Number.isSafeInteger(page) && page > 1 && (after ? !before : before)) return { ...list, page, at: after ? { after } : { before: before! } };
  if (after !== null || before !== null || (pageText !== null && pageText !== '1')) return { ...list, badPosition: true };
  return list;
}

/** The view a hash names; all contacts, saying so, for anything else. */
export function viewOf(hash: string): View {
  const path = hash.replace(/^#/, '');
  if (path === '/import') return { screen: 'import' };
  if (path === '/admin') return { screen: 'admin' };
  const contact = /^\/contact\/(\d+)(?:\?(.*))?$/.exec(path);
  if (contact) {
    const from = new URLSearchParams(contact[2] ?? '').get('from');
    return { screen: 'contact', id: Number(contact[1]), back: (from && parseList(from)) || ALL_CONTACTS.list };
  }
  const list = parseList(path);
  return { screen: 'contacts', list: list ?? { ...listOf({ kind: 'all' }), badLink: true } };
}

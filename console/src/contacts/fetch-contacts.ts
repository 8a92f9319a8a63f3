import { errorOf, type ApiError, type Client, type ContactList, type Session } from '../api/client';
import { toPayload } from '../filters/filter-model';
import type { ListSource, PagePosition } from '../shell/view';

export const PER_PAGE = 25;

export interface PageRequest {
  sort: string;
  /** Where the page is read from; the first page when absent. */
  at?: PagePosition;
  /** A search box text: searched within the source (a filter's or segment's `q`, a label's search with `labels[]`). */
  q?: string;
}

/** Why a page could not be read, with the answer's status. */
export type ListReadError = ApiError & { status: number };

/** One page of the list's source: never more than a page, paged by cursor to any depth. */
/** The paging parameters of a position in the list: a cursor either way, or page=last. */
const positionParams = (at: PagePosition | undefined) => (!at ? {} : 'last' in at ? { page: 'last' as const } : at);

export async function fetchContacts(client: Client, session: Session, source: ListSource, { sort, at, q }: PageRequest): Promise<ContactList> {
  const account_id = String(session.accountId);
  // The table shows no contact inboxes: asked without, as Chatwoot's dashboard asks its lists.
  const paging = { sort, per_page: PER_PAGE, include_contact_inboxes: 'false' as const, ...positionParams(at), ...(q ? { q } : {}) };
  const labels = source.kind === 'label' ? { labels: [source.title] } : {};
  const result =
    source.kind === 'filter'
      ? await client.POST('/api/v1/accounts/{account_id}/contacts/filter', { params: { path: { account_id }, query: paging }, body: { payload: toPayload(source.payload) } })
      : source.kind === 'segment'
        ? await client.GET('/api/v1/accounts/{account_id}/custom_filters/{id}/contacts', { params: { path: { account_id, id: source.id }, query: paging } })
        : q
          ? await client.GET('/api/v1/accounts/{account_id}/contacts/search', { params: { path: { account_id }, query: { ...paging, q, ...labels } } })
          : await client.GET('/api/v1/accounts/{account_id}/contacts', { params: { path: { account_id }, query: { ...paging, ...labels } } });
  const status = result.response.status;
  // The status goes with the error: a 503 (search unavailable for now) is worth reading again by itself.
  if (result.error || !result.data) throw { ...errorOf(result.error ?? new Error(`the API answered ${status}`)), status } satisfies ListReadError;
  return result.data;
}

/** The export body for the list as shown (POST /contacts/export): its source, its search and its sort. */
export function exportBodyOf(source: ListSource, q?: string, sort?: string): Record<string, unknown> {
  // In the list's order: the file came out by contact id whatever the list showed.
  const shown = { ...(q ? { q } : {}), ...(sort ? { sort } : {}) };
  switch (source.kind) {
    case 'filter':
      return { payload: toPayload(source.payload), ...shown };
    case 'segment':
      return { segment_id: source.id, ...shown };
    case 'label':
      return { label: source.title, ...shown };
    default:
      return shown;
  }
}

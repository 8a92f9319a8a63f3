import type { Client, ContactList, Session } from '../api/client';
import { toPayload } from '../filters/filter-model';
import type { ListSource } from '../shell/view';

export const PER_PAGE = 25;

export interface PageRequest {
  sort: string;
  after?: string;
  /** A search box text; searches the whole account (GET /contacts/search). */
  q?: string;
}

/** One page of the list's source: never more than a page, paged by cursor to any depth. */
export async function fetchContacts(client: Client, session: Session, source: ListSource, { sort, after, q }: PageRequest): Promise<ContactList> {
  const account_id = String(session.accountId);
  const paging = { sort, per_page: PER_PAGE, ...(after ? { after } : {}) };
  const result = q
    ? await client.GET('/api/v1/accounts/{account_id}/contacts/search', { params: { path: { account_id }, query: { ...paging, q } } })
    : source.kind === 'filter'
      ? await client.POST('/api/v1/accounts/{account_id}/contacts/filter', { params: { path: { account_id }, query: paging }, body: { payload: toPayload(source.payload) } })
      : source.kind === 'segment'
        ? await client.GET('/api/v1/accounts/{account_id}/custom_filters/{id}/contacts', { params: { path: { account_id, id: source.id }, query: paging } })
        : await client.GET('/api/v1/accounts/{account_id}/contacts', {
            params: { path: { account_id }, query: { ...paging, ...(source.kind === 'label' ? { labels: [source.title] } : {}) } },
          });
  const status = result.response.status;
  if (result.error || !result.data) throw result.error ?? new Error(`the API answered ${status}`);
  return result.data;
}

/** The export body for the list's source (POST /contacts/export). */
export function exportBodyOf(source: ListSource): Record<string, unknown> {
  switch (source.kind) {
    case 'filter':
      return { payload: toPayload(source.payload) };
    case 'segment':
      return { segment_id: source.id };
    case 'label':
      return { label: source.title };
    default:
      return {};
  }
}

import type { z } from 'zod';
import { ValidationError } from '../shared/errors';
import { parseSort } from './contact-sort';
import type { PageRequest } from './search-contacts';
import type { listQuery } from '../contacts/contacts.schemas';

export const DEFAULT_PER_PAGE = 15;

/** Sort and paging as every contact list takes them (list, filter, segment run). */
export function toPageRequest(query: Pick<z.infer<typeof listQuery>, 'sort' | 'page' | 'per_page' | 'after'>, maxPerPage: number): PageRequest {
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  if (perPage > maxPerPage) throw new ValidationError(`per_page must be at most ${maxPerPage}`, 'per_page');
  return { sort: parseSort(query.sort), perPage, page: query.page, after: query.after };
}

export function toListResponse(page: { contacts: unknown[]; count: number; nextCursor: string | null }, request: PageRequest) {
  return {
    meta: { count: page.count, current_page: request.after ? null : request.page, next_cursor: page.nextCursor },
    payload: page.contacts,
  };
}

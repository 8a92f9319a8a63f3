import type { ContactPayload } from '../records/contact.presenter';
import type { DefinitionStore } from '../records/custom-attribute-definitions';
import { buildTextSearchQuery } from '../search/build-text-search-query';
import { isNoCondition } from '../search/build-segment-query';
import type { QueryLimits } from '../search/query-limits';
import type { ContactSearch, SearchQuery } from '../search/search-contacts';
import { parseSort, withSortField } from '../search/contact-sort';
import { csvLine, type CsvValue } from '../shared/csv';
import { ValidationError } from '../shared/errors';
import type { ExportBody } from './contact-export.schemas';
import { labelTitleOf } from '../shared/label-title';
import { attributeKeyOf } from '../records/contact-fields';

// Chatwoot's defaults (id, name, email, phone_number) and labels, with identifier: the import does
// not read `id`, so a contact known by its identifier alone came back from an export of the
// defaults as a new contact (or, with nothing else, a rejected empty row) on every re-import.
export const DEFAULT_EXPORT_COLUMNS = ['id', 'name', 'email', 'phone_number', 'identifier', 'labels'];

const isoOrEmpty = (seconds: number | null) => (seconds === null ? '' : new Date(seconds * 1000).toISOString());
const additional = (key: string) => (c: ContactPayload) => c.additional_attributes?.[key] as CsvValue;

// Standard columns read from the contact payload; the names are the import's, so a file goes
// back in as it came out.
const STANDARD: Record<string, (c: ContactPayload) => CsvValue> = {
  id: (c) => c.id,
  name: (c) => c.name,
  email: (c) => c.email,
  phone_number: (c) => c.phone_number,
  identifier: (c) => c.identifier,
  labels: (c) => c.labels.join(', '),
  company_name: additional('company_name'),
  city: additional('city'),
  country: additional('country'),
  country_code: additional('country_code'),
  description: additional('description'),
  ip_address: additional('ip_address'),
  blocked: (c) => c.blocked,
  created_at: (c) => isoOrEmpty(c.created_at),
  last_activity_at: (c) => isoOrEmpty(c.last_activity_at),
  // Chatwoot's export takes any column of its contacts table; these are the ones a contact here
  // holds too. The import reads them and ignores them, so such a file still goes back in.
  last_seen_at: (c) => isoOrEmpty(c.last_seen_at),
  additional_attributes: (c) => JSON.stringify(c.additional_attributes ?? {}),
  custom_attributes: (c) => JSON.stringify(c.custom_attributes ?? {}),
};

function customValue(key: string) {
  return (c: ContactPayload): CsvValue => {
    // Own keys only: a column named "constructor" must not read Object.prototype's.
    const value = c.custom_attributes && Object.hasOwn(c.custom_attributes, key) ? c.custom_attributes[key] : undefined;
    return value !== null && typeof value === 'object' ? JSON.stringify(value) : (value as CsvValue);
  };
}

const quoted = (names: string[]) => names.map((name) => JSON.stringify(name)).join(', ');

/**
 * Column names → how to read each. A name is a standard column or a custom attribute key the
 * account defines, matched case-insensitively as the import matches headers (an exact key first:
 * two definitions may differ only in case); the column takes the canonical name, and a name
 * asked for twice comes out once. Anything else is refused: it would export a column of empty
 * cells, and a typo would go unnoticed.
 */
export function exportColumns(requested: string[] | undefined, customKeys: string[]): { names: string[]; read: ((c: ContactPayload) => CsvValue)[] } {
  const exact = new Set(customKeys);
  // A key with spaces at an end (" region", which writes keep as sent) is named as it is; other names are trimmed.
  const wanted = (requested?.length ? requested : DEFAULT_EXPORT_COLUMNS)
    .map((n) => (exact.has(attributeKeyOf(n)) ? attributeKeyOf(n) : attributeKeyOf(n.trim())))
    .filter(Boolean);
  if (!wanted.length) throw new ValidationError('column_names must name at least one column', 'column_names');
  const byLowercase = new Map<string, string>();
  for (const key of customKeys) if (!byLowercase.has(key.toLowerCase())) byLowercase.set(key.toLowerCase(), key);

  const columns = new Map<string, (c: ContactPayload) => CsvValue>();
  const unknown: string[] = [];
  for (const name of wanted) {
    const lower = name.toLowerCase();
    if (Object.hasOwn(STANDARD, lower)) {
      if (!columns.has(lower)) columns.set(lower, STANDARD[lower]);
      continue;
    }
    const key = exact.has(name) ? name : byLowercase.get(lower);
    if (key === undefined) {
      if (!unknown.includes(name)) unknown.push(name);
    } else if (!columns.has(key)) columns.set(key, customValue(key));
  }
  if (unknown.length) {
    const custom = customKeys.length ? `and the account's custom attribute keys: ${customKeys.join(', ')}` : 'the account has no custom attribute definitions';
    throw new ValidationError(
      `column_names: unknown column${unknown.length > 1 ? 's' : ''} ${quoted(unknown)}; the accepted columns are the standard ones (${Object.keys(STANDARD).join(', ')}); ${custom}`,
      'column_names',
    );
  }
  return { names: [...columns.keys()], read: [...columns.values()] };
}

export interface ExportScopeDeps {
  search: ContactSearch;
  /** Compiles filter payloads and reads segments' stored queries (the segments service). */
  segments: { compile(accountId: number, payload: unknown): Promise<SearchQuery>; queryOfSegment(accountId: number, id: number): Promise<SearchQuery> };
  /** The account's custom attribute definitions: which column names are its keys. */
  definitions: Pick<DefinitionStore, 'of'>;
  /** Bounds a search `q` as GET /contacts/search does. */
  limits?: QueryLimits;
  batchSize?: number;
}

export function createContactExportService(deps: ExportScopeDeps) {
  /**
   * Which contacts: all, those with any of the labels, those a filter payload or a segment
   * selects, those a search text finds; what is given applies together. The account condition is added by the search.
   */
  async function scopeQuery(accountId: number, body: ExportBody): Promise<SearchQuery | undefined> {
    const parts: SearchQuery[] = [];
    const labels = [...(body.labels ?? []), ...(body.label ? [body.label] : [])].map(labelTitleOf);
    if (labels.length) parts.push({ terms: { labels } });
    if (body.payload !== undefined && body.payload !== null && !isNoCondition(body.payload)) parts.push(await deps.segments.compile(accountId, body.payload));
    const segmentId = body.segment_id ?? body.custom_filter_id;
    if (segmentId !== undefined) parts.push(await deps.segments.queryOfSegment(accountId, segmentId));
    if (body.q !== undefined) parts.push(buildTextSearchQuery(body.q, deps.limits));
    if (parts.length <= 1) return parts[0];
    return { bool: { filter: parts } };
  }

  return {
    /**
     * The CSV lines of the export. The first page is fetched before answering, so a search
     * that cannot run fails the request with its status instead of cutting a download short.
     */
    async exportCsv(accountId: number, body: ExportBody): Promise<{ fileName: string; lines: AsyncIterable<string> }> {
      const definitions = await deps.definitions.of(accountId);
      const columns = exportColumns(body.column_names, definitions.map((d) => d.attribute_key));
      const sort = body.sort?.trim() ? withSortField(parseSort(body.sort), definitions) : undefined;
      const batches = deps.search.scan(accountId, await scopeQuery(accountId, body), { batchSize: deps.batchSize, sort });
      const first = await batches.next();

      async function* lines() {
        try {
          yield csvLine(columns.names);
          if (first.done) return;
          const toLines = (batch: ContactPayload[]) => batch.map((contact) => csvLine(columns.read.map((read) => read(contact)))).join('');
          yield toLines(first.value);
          for await (const batch of batches) yield toLines(batch);
        } finally {
          // A client that goes away mid-download: close the point in time now, not at its expiry.
          await batches.return(undefined);
        }
      }
      const date = new Date().toISOString().slice(0, 10);
      return { fileName: `contacts-${accountId}-${date}.csv`, lines: lines() };
    },
  };
}

export type ContactExportService = ReturnType<typeof createContactExportService>;

import { z } from 'zod';
import { toUnixSeconds } from '../shared/time';
import { unixSeconds } from '../shared/response-fields';
import { IMPORT_STATUSES, type ContactImport } from './contact-import.model';
import { ignoredColumnsOf } from './import-columns';

export const importPayloadSchema = z
  .object({
    id: z.int(),
    status: z.enum(IMPORT_STATUSES),
    file_name: z.string(),
    file_size: z.int(),
    create_labels: z.boolean().describe('whether labels the file names and the account lacks are created; if not, their rows are rejected'),
    rows_read: z.int().describe('rows read so far (empty lines not counted): created + updated + rejected'),
    processed: z.int().describe('the same as rows_read: the rows processed (SPEC §5), named as a bulk action names its progress'),
    created: z.int(),
    updated: z.int().describe('rows that matched a contact (by identifier, email or phone), whether or not they changed it'),
    unchanged: z.int().describe('of the updated rows, those that held nothing the contact did not already have (nothing written)'),
    rejected: z.int(),
    progress: z.number().min(0).max(1).describe('share of the file imported so far: up to the end of the last row committed, 1 once completed'),
    error: z.string().nullable(),
    ignored_columns: z
      .array(z.string())
      .describe("the file's columns read and not written: id, errors, and contact fields the service keeps itself (updated_at, thumbnail, last_seen_at, additional_attributes, …); empty until the header is read"),
    created_at: unixSeconds.nullable(),
    started_at: unixSeconds.nullable(),
    finished_at: unixSeconds.nullable(),
  })
  .meta({ id: 'Import' });

export type ImportPayload = z.infer<typeof importPayloadSchema>;

export function toImportPayload(doc: ContactImport): ImportPayload {
  return {
    id: doc._id,
    status: doc.status,
    file_name: doc.file_name,
    file_size: doc.file_size,
    create_labels: doc.create_labels === true,
    rows_read: doc.rows_read,
    processed: doc.rows_read,
    created: doc.created,
    updated: doc.updated,
    unchanged: doc.unchanged,
    rejected: doc.rejected,
    progress: doc.status === 'completed' ? 1 : doc.file_size ? Math.min(1, Math.round((doc.bytes_read / doc.file_size) * 1000) / 1000) : 0,
    error: doc.error,
    ignored_columns: ignoredColumnsOf(doc.headers ?? []),
    created_at: toUnixSeconds(doc.created_at),
    started_at: toUnixSeconds(doc.started_at),
    finished_at: toUnixSeconds(doc.finished_at),
  };
}

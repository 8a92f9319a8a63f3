import { toUnixSeconds } from '../shared/time';
import type { ContactImport, ImportStatus } from './contact-import.model';

export interface ImportPayload {
  id: number;
  status: ImportStatus;
  file_name: string;
  file_size: number;
  rows_read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Share of the file read so far, 0 to 1. */
  progress: number;
  error: string | null;
  created_at: number | null;
  started_at: number | null;
  finished_at: number | null;
}

export function toImportPayload(doc: ContactImport): ImportPayload {
  return {
    id: doc._id,
    status: doc.status,
    file_name: doc.file_name,
    file_size: doc.file_size,
    rows_read: doc.rows_read,
    created: doc.created,
    updated: doc.updated,
    unchanged: doc.unchanged,
    rejected: doc.rejected,
    progress: doc.status === 'completed' ? 1 : doc.file_size ? Math.min(1, Math.round((doc.bytes_read / doc.file_size) * 1000) / 1000) : 0,
    error: doc.error,
    created_at: toUnixSeconds(doc.created_at),
    started_at: toUnixSeconds(doc.started_at),
    finished_at: toUnixSeconds(doc.finished_at),
  };
}

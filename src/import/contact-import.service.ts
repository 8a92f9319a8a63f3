import { open, unlink } from 'node:fs/promises';
import { csvLine, unneutralise } from '../shared/csv';
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../shared/errors';
import type { AccountRecords } from '../shared/account-records';
import type { IdAllocator } from '../shared/id-allocator';
import type { Logger } from '../shared/logger';
import { enqueueWithin, type Queue } from '../shared/queues';
import type { ContactImport, ContactImportModel } from './contact-import.model';
import { toImportPayload, type ImportPayload } from './contact-import.presenter';
import type { ImportRejectionModel } from './import-rejection.model';
import { rejectedRowsOf } from './read-rejections';

export interface ImportJob {
  importId: number;
}

export const IMPORT_QUEUE = 'contact-import';

export interface UploadedFile {
  path: string;
  originalname: string;
  size: number;
}

/**
 * Whether the bytes are UTF-16: its byte order mark, or text whose every other byte is NUL (the
 * high byte of Latin letters, digits and punctuation). Excel's "Unicode Text" and "CSV UTF-16"
 * save it; said by name, as "NUL bytes" sent the user looking for binary junk in a text file.
 */
function isUtf16(bytes: Buffer): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  const nulAt = [0, 0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) nulAt[i % 2] += 1;
  const half = Math.floor(bytes.length / 2);
  return half > 0 && Math.max(...nulAt) >= half * 0.6 && Math.min(...nulAt) <= half * 0.05;
}

/**
 * A JSON or HTML/XML file named .csv: read as CSV its first line became column names (`{"name":"Ann"`,
 * `<html><body>hi`), each defining a custom attribute for good, and the import completed with
 * nothing said. No CSV header starts with `{`, `[` or `<`.
 */
function markupProblem(start: Buffer): string | undefined {
  const text = start.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return `the file is JSON, not CSV (it starts with "${text[0]}"); export it as CSV with a header line of column names`;
  if (text.startsWith('<')) return 'the file is HTML or XML, not CSV (it starts with "<"); export it as CSV with a header line of column names';
  return undefined;
}

/** Looks at the start of the file: an empty file, one with NUL bytes, JSON or HTML is not a CSV. */
async function checkLooksLikeText(file: UploadedFile): Promise<string | undefined> {
  if (file.size === 0) return 'the file is empty';
  const handle = await open(file.path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const start = buffer.subarray(0, bytesRead);
    if (isUtf16(start)) return 'the file is UTF-16 text (as Excel saves "Unicode Text" or "CSV UTF-16"); save it as "CSV UTF-8" and upload it again';
    if (start.includes(0)) return 'the file is not a text CSV file (it contains NUL bytes)';
    const markup = markupProblem(start);
    if (markup) return markup;
  } finally {
    await handle.close();
  }
  return undefined;
}

export interface ImportOptions {
  /** Create the labels the file names that the account lacks, instead of rejecting their rows. */
  createLabels?: boolean;
}

export function createContactImportService(deps: {
  imports: ContactImportModel;
  /** The account's imports by id (account_links), so that its history is two reads by _id. */
  listed: AccountRecords<ContactImport>;
  rejections: ImportRejectionModel;
  queue: Queue.Queue<ImportJob>;
  nextIds: IdAllocator;
  logger: Logger;
}) {
  const { imports, listed, rejections, queue, nextIds, logger } = deps;

  async function find(accountId: number, id: number): Promise<ContactImport> {
    const found = await imports.findOne({ _id: id, account_id: accountId }).lean();
    if (!found) throw new NotFoundError('import', id);
    return found;
  }

  /** Records an import of a file already on disk; `ownsFile` files are deleted when it ends. */
  async function record(accountId: number, file: UploadedFile, ownsFile: boolean, options: ImportOptions = {}): Promise<ContactImport> {
    const problem = await checkLooksLikeText(file);
    if (problem) {
      if (ownsFile) await unlink(file.path).catch(() => undefined);
      throw new ValidationError(`import_file: ${problem}`, 'import_file');
    }
    const [id] = await nextIds('contact_imports');
    const now = new Date();
    await listed.listed(accountId, id);
    const doc = await imports.create({
      _id: id,
      account_id: accountId,
      status: 'queued',
      file_name: file.originalname,
      file_path: file.path,
      file_size: file.size,
      owns_file: ownsFile,
      create_labels: options.createLabels === true,
      created_at: now,
      updated_at: now,
    });
    return doc.toObject();
  }

  return {
    record,

    /** Records the import and queues its job; the job does the work. */
    async start(accountId: number, file: UploadedFile | undefined, options: ImportOptions = {}): Promise<ImportPayload> {
      if (!file) throw new ValidationError('import_file is required: send the CSV as the multipart field "import_file"', 'import_file');
      const recorded = await record(accountId, file, true, options);
      try {
        // One job per import (jobId): queueing it twice cannot run it twice.
        await enqueueWithin(queue, () => queue.add({ importId: recorded._id }, { jobId: `import-${recorded._id}` }), 5000, 'queueing the import');
      } catch (err) {
        logger.warn({ err, importId: recorded._id }, 'import not queued');
        const failed = await imports
          .findOneAndUpdate(
            { _id: recorded._id },
            { $set: { status: 'failed', error: 'the import could not be queued; upload the file again', finished_at: new Date(), updated_at: new Date() } },
            { new: true },
          )
          .lean();
        await unlink(file.path).catch(() => undefined);
        throw new UnavailableError(`the import could not be queued right now (import ${failed?._id}); upload the file again shortly`);
      }
      return toImportPayload(recorded);
    },

    async list(accountId: number, page: number, perPage: number): Promise<{ count: number; imports: ImportPayload[] }> {
      // Newest first. The count is of the ids listed: one whose record a crash never wrote counts
      // but is not shown.
      const ids = (await listed.ids(accountId)).sort((a, b) => b - a);
      const shown = ids.slice((page - 1) * perPage, page * perPage);
      const found = shown.length ? await imports.find({ _id: { $in: shown } }).lean() : [];
      const byId = new Map(found.filter((doc) => doc.account_id === accountId).map((doc) => [doc._id, doc]));
      return { count: ids.length, imports: shown.flatMap((id) => (byId.has(id) ? [toImportPayload(byId.get(id)!)] : [])) };
    },

    async show(accountId: number, id: number): Promise<ImportPayload> {
      return toImportPayload(await find(accountId, id));
    },

    /**
     * The rejected rows as CSV lines: the file's own columns, then `errors` (which names the row).
     * A file that was itself such a download has an `errors` column already: it is left out, so
     * the download of a download has one `errors` column and can be uploaded again in turn.
     */
    async rejectedCsv(accountId: number, id: number): Promise<{ fileName: string; lines: AsyncIterable<string> }> {
      const found = await find(accountId, id);
      // Before its end the file is a part, its rows ahead of the counters (a batch's rejections are
      // written before its counts), with nothing to tell it from the whole: a script that fetched it
      // early kept a partial file. Chatwoot too attaches it at the end.
      if (found.status === 'queued' || found.status === 'processing') {
        throw new ConflictError(`import ${found._id} is still ${found.status}: its rejected rows can be read once it has completed (status in GET /contacts/imports/${found._id})`);
      }
      const kept = found.headers.flatMap((header, i) => (header.trim().toLowerCase() === 'errors' ? [] : [i]));
      async function* lines() {
        yield csvLine([...kept.map((i) => unneutralise(found.headers[i])), 'errors']);
        for await (const rejection of rejectedRowsOf(rejections, found)) {
          // Errors stay in their column; the extra fields of a too-long row follow it.
          const width = found.headers.length;
          // A cell is written as what the import read it to mean (an apostrophe an export put
          // before a formula dropped), then neutralised again: uploaded back, it means the same.
          const cells = kept.map((i) => unneutralise(rejection.cells[i] ?? ''));
          yield csvLine([...cells, `row ${rejection.row}: ${rejection.reasons.join('; ')}`, ...rejection.cells.slice(width)].map(markNul));
        }
      }
      return { fileName: `import-${found._id}-rejected.csv`, lines: lines() };
    },
  };
}

/**
 * A NUL byte a rejected row held (its reason names it) is written as U+FFFD, which shows where it
 * was: written as itself, it made the whole download refused as not text when uploaded again.
 */
const markNul = (cell: string) => cell.replaceAll('\0', '\uFFFD');

export type ContactImportService = ReturnType<typeof createContactImportService>;

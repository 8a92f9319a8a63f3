import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { Transform } from 'node:stream';
import csvParser from 'csv-parser';
import type { ContactChanges } from '../contacts/contact-changes';
import { byIdentityKeys, IDENTITY_KEYS, type Contact, type ContactModel } from '../records/contact.model';
import type { CustomAttributeDefinitionModel } from '../records/custom-attribute-definition.model';
import type { CustomAttributesService } from '../custom-attributes/custom-attributes.service';
import type { LabelModel } from '../labels/label.model';
import type { SyncScheduler } from '../search/sync-queue';
import { ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import type { Logger } from '../shared/logger';
import type { Queue } from '../shared/queues';
import type { ContactImport, ContactImportModel } from './contact-import.model';
import type { ImportJob } from './contact-import.service';
import { newContact } from '../contacts/new-contact';
import { diffContact } from './diff-contact';
import { planImportColumns, type ColumnPlan } from './import-columns';
import type { ImportRejection, ImportRejectionModel } from './import-rejection.model';
import { cellText, identityKeys, InvalidUtf8Cell, parseImportRow, type Cell } from './parse-import-row';
import { createSeenKeys } from './seen-keys';

export interface ImportProcessorDeps {
  imports: ContactImportModel;
  rejections: ImportRejectionModel;
  contacts: ContactModel;
  labels: LabelModel;
  definitions: CustomAttributeDefinitionModel;
  /** Defines keys used for the first time, as every contact write does (lowest free slot). */
  customAttributes: Pick<CustomAttributesService, 'prepareValues'>;
  nextIds: IdAllocator;
  sync: SyncScheduler;
  logger: Logger;
  config: { IMPORT_BATCH_SIZE: number; IMPORT_BATCH_MAX_CHARS: number; IMPORT_MAX_ROW_BYTES: number };
}

type Counters = Pick<ContactImport, 'rows_read' | 'created' | 'updated' | 'unchanged' | 'rejected' | 'bytes_read'>;

/** A failure that retrying cannot fix (a bad header, a missing file): the import fails at once. */
class ImportFailure extends Error {}

const isDuplicateKey = (err: { code?: number }) => err.code === 11000;

interface WriteError {
  index: number;
  code?: number;
  errmsg?: string;
}

/** Per-document errors of an unordered insertMany/bulkWrite; anything else is rethrown. */
function writeErrorsOf(err: unknown): WriteError[] {
  const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
  if (!writeErrors) throw err;
  const list = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as { index: number; code?: number; errmsg?: string; err?: WriteError }[];
  return list.map((e) => ({ index: e.index ?? e.err?.index, code: e.code ?? e.err?.code, errmsg: e.errmsg ?? e.err?.errmsg }));
}

function takenKeyMessage(errmsg: string | undefined): string {
  const name = IDENTITY_KEYS.find(([, key]) => errmsg?.includes(key))?.[0];
  return name ? `${name} already belongs to another contact (written while this import ran)` : 'a unique value already belongs to another contact';
}

interface PlannedRow {
  row: number;
  cells: Cell[];
  changes: ContactChanges;
  labels: string[];
}

export function createContactImportProcessor(deps: ImportProcessorDeps) {
  const { imports, rejections, contacts, labels: labelModel, definitions, customAttributes, nextIds, sync, logger, config } = deps;

  async function fail(id: number, error: string) {
    const doc = await imports
      .findOneAndUpdate(
        { _id: id, status: { $in: ['queued', 'processing'] } },
        { $set: { status: 'failed', error, finished_at: new Date(), updated_at: new Date(), pending_batch: null } },
        { new: true },
      )
      .lean();
    if (doc?.owns_file) await unlink(doc.file_path).catch(() => undefined);
    logger.warn({ importId: id, error }, 'import failed');
  }

  async function planColumns(accountId: number, headerCells: Cell[]): Promise<ColumnPlan> {
    if (headerCells.some((cell) => cell instanceof InvalidUtf8Cell)) throw new ImportFailure('the header line is not valid UTF-8');
    const texts = headerCells.map(cellText);
    const known = await definitions.find({ account_id: accountId }).lean();
    const first = planImportColumns(texts, known);
    if (!first.ok) throw new ImportFailure(first.error);
    if (!first.plan.undefinedKeys.length) return first.plan;
    try {
      // A text value defines a text attribute: file columns carry text.
      await customAttributes.prepareValues(accountId, Object.fromEntries(first.plan.undefinedKeys.map((key) => [key, ''])));
    } catch (err) {
      if (err instanceof ValidationError) throw new ImportFailure(`the header's custom attribute columns cannot be defined: ${err.message}`);
      throw err;
    }
    const second = planImportColumns(texts, await definitions.find({ account_id: accountId }).lean());
    if (!second.ok) throw new ImportFailure(second.error);
    return second.plan;
  }

  /** Streams the file's records as arrays of cells, with the bytes read so far. */
  function readRecords(path: string, onBytes: (bytes: number) => void) {
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        onBytes(bytes);
        done(null, chunk);
      },
    });
    const parser = csvParser({
      headers: false,
      raw: true,
      maxRowBytes: config.IMPORT_MAX_ROW_BYTES,
      mapValues: ({ value }: { value: Buffer }) => (isUtf8(value) ? value.toString('utf8') : new InvalidUtf8Cell(value.toString('utf8'))),
    });
    const file = createReadStream(path);
    file.on('error', (err) => parser.destroy(err));
    return file.pipe(counter).pipe(parser);
  }

  /**
   * Runs (or resumes) one import. Rows up to the checkpoint were committed by an earlier
   * attempt and are only re-read to remember their keys; the batch that was being written
   * when an attempt died is written again with the ids it had reserved, so none of its rows
   * is created twice.
   */
  async function run(importId: number, options: { onProgress?: (progress: ContactImport) => void } = {}): Promise<ContactImport | null> {
    const started = await imports
      .findOneAndUpdate(
        { _id: importId, status: { $in: ['queued', 'processing'] } },
        { $set: { status: 'processing', updated_at: new Date() }, $inc: { attempts: 1 } },
        { new: true },
      )
      .lean();
    if (!started) {
      logger.warn({ importId }, 'import job for an import that is missing or already finished; skipped');
      return imports.findById(importId).lean();
    }
    if (!started.started_at) await imports.updateOne({ _id: importId }, { $set: { started_at: new Date() } });
    const log = logger.child({ importId, accountId: started.account_id });
    try {
      await process(started, options.onProgress);
    } catch (err) {
      if (!(err instanceof ImportFailure)) throw err;
      await fail(importId, err.message);
    }
    return imports.findById(importId).lean();

    async function process(doc: ContactImport, onProgress?: (progress: ContactImport) => void) {
      const accountId = doc.account_id;
      const counters: Counters = {
        rows_read: doc.rows_read,
        created: doc.created,
        updated: doc.updated,
        unchanged: doc.unchanged,
        rejected: doc.rejected,
        bytes_read: doc.bytes_read,
      };
      // Decided once and kept, so a resumed import decides the same way. Contacts that others
      // create meanwhile are still caught, by the unique keys, as rejected rows.
      let matchExisting = doc.match_existing;
      if (matchExisting === null) {
        matchExisting = !!(await contacts.exists({ account_id: accountId, deleted: false }));
        await imports.updateOne({ _id: importId }, { $set: { match_existing: matchExisting } });
      }
      const pending = doc.pending_batch;
      const reserved = new Map<number, number>(pending ? pending.rows.map((r, i) => [r, pending.ids[i]]) : []);
      const seen = createSeenKeys();
      let plan: ColumnPlan | undefined;
      let row = 0;
      let batch: { row: number; cells: Cell[] }[] = [];
      let batchChars = 0;
      let bytesRead = 0;
      let committedRow = doc.checkpoint_row;

      const records = readRecords(doc.file_path, (bytes) => (bytesRead = bytes));
      try {
        for await (const record of records as AsyncIterable<Record<number, Cell>>) {
          const cells = Object.values(record);
          if (!plan) {
            plan = await planColumns(accountId, cells);
            await imports.updateOne({ _id: importId }, { $set: { headers: cells.map(cellText).map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h)) } });
            continue;
          }
          row += 1;
          if (row <= doc.checkpoint_row) {
            const parsed = parseImportRow(cells, plan);
            if (parsed.kind === 'contact') seen.claim(identityKeys(parsed.changes));
            continue;
          }
          batch.push({ row, cells });
          // A file of very long rows must not hold IMPORT_BATCH_SIZE of them in memory at once.
          batchChars += cells.reduce((sum: number, cell) => sum + cellText(cell).length, 0);
          if (batch.length >= config.IMPORT_BATCH_SIZE || batchChars >= config.IMPORT_BATCH_MAX_CHARS) {
            await writeBatch(batch);
            batch = [];
            batchChars = 0;
          }
        }
      } catch (err) {
        if (err instanceof ImportFailure) throw err;
        const code = (err as { code?: string }).code;
        if (code === 'ENOENT') throw new ImportFailure('the uploaded file is no longer there; upload it again');
        if ((err as Error).message === 'Row exceeds the maximum size') {
          // csv-parser drops the rows it had parsed but not yet handed over, so only the checkpoint is certain.
          throw new ImportFailure(
            `a row after row ${row} is longer than ${config.IMPORT_MAX_ROW_BYTES} bytes (IMPORT_MAX_ROW_BYTES); the import stopped there, rows up to ${committedRow} were imported`,
          );
        }
        throw err;
      }
      if (!plan) throw new ImportFailure('the file is empty: it has no header line');
      if (batch.length) await writeBatch(batch);

      const finished = await imports
        .findOneAndUpdate(
          { _id: importId },
          { $set: { status: 'completed', finished_at: new Date(), updated_at: new Date(), bytes_read: doc.file_size, pending_batch: null } },
          { new: true },
        )
        .lean();
      if (doc.owns_file) await unlink(doc.file_path).catch(() => undefined);
      log.info({ ...counters }, 'import completed');
      if (finished) onProgress?.(finished);

      async function writeBatch(items: { row: number; cells: Cell[] }[]) {
        const rejected: ImportRejection[] = [];
        const reject = (item: { row: number; cells: Cell[] }, reasons: string[]) =>
          rejected.push({
            _id: `${importId}:${item.row}`,
            import_id: importId,
            account_id: accountId,
            row: item.row,
            cells: item.cells.map(cellText),
            reasons,
          });

        // 1. Each row on its own: fields, then duplicates of earlier rows of the file.
        let planned: PlannedRow[] = [];
        for (const item of items) {
          const parsed = parseImportRow(item.cells, plan!);
          if (parsed.kind === 'empty') continue;
          counters.rows_read += 1;
          if (parsed.kind === 'rejected') {
            reject(item, parsed.errors);
            continue;
          }
          const again = seen.claim(identityKeys(parsed.changes));
          if (again) {
            reject(item, [`a second row for the same person: an earlier row of the file has the same ${again}`]);
            continue;
          }
          planned.push({ ...item, changes: parsed.changes, labels: parsed.labels });
        }

        // 2. Labels must exist in the account.
        const titles = [...new Set(planned.flatMap((p) => p.labels))];
        if (titles.length) {
          const known = new Set((await labelModel.find({ account_id: accountId, title: { $in: titles } }, { title: 1 }).lean()).map((l) => l.title));
          planned = planned.filter((p) => {
            const unknown = p.labels.filter((title) => !known.has(title));
            if (unknown.length) reject(p, [`unknown label${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => `"${t}"`).join(', ')}; create ${unknown.length > 1 ? 'them' : 'it'} first`]);
            return !unknown.length;
          });
        }

        // 3. Match by identifier, then email, then phone: one lookup for the whole batch.
        const values = (field: 'identifier' | 'email' | 'phone_number') => [...new Set(planned.map((p) => p.changes[field]).filter((v): v is string => !!v))];
        // By the key fields: their (account_id, key) indexes serve the lookup.
        const clauses = IDENTITY_KEYS.filter(([f]) => values(f).length).map(([f, key]) => ({ [key]: { $in: values(f) } }));
        const existing: Contact[] =
          matchExisting && clauses.length ? await contacts.find(byIdentityKeys(accountId, clauses)).lean() : [];
        const by = {
          identifier: new Map(existing.filter((c) => c.identifier).map((c) => [c.identifier!, c])),
          email: new Map(existing.filter((c) => c.email).map((c) => [c.email!, c])),
          phone_number: new Map(existing.filter((c) => c.phone_number).map((c) => [c.phone_number!, c])),
        };

        const now = new Date();
        const updates: { item: PlannedRow; id: number; set: Record<string, unknown> }[] = [];
        const creates: PlannedRow[] = [];
        const matchedBy = new Map<number, number>();
        let unchanged = 0;
        let createdAgain = 0;
        for (const item of planned) {
          const { changes } = item;
          const match =
            (changes.identifier && by.identifier.get(changes.identifier)) ||
            (changes.email && by.email.get(changes.email)) ||
            (changes.phone_number && by.phone_number.get(changes.phone_number)) ||
            undefined;
          if (!match) {
            creates.push(item);
            continue;
          }
          const conflicts = (['identifier', 'email', 'phone_number'] as const).flatMap((field) => {
            const owner = changes[field] ? by[field].get(changes[field]!) : undefined;
            return owner && owner._id !== match._id ? [`${field} "${changes[field]}" already belongs to contact ${owner._id}, not to contact ${match._id} that the row matches`] : [];
          });
          if (conflicts.length) {
            reject(item, conflicts);
            continue;
          }
          const earlier = matchedBy.get(Number(match._id));
          if (earlier !== undefined) {
            reject(item, [`a second row for the same person: row ${earlier} also matches contact ${match._id}`]);
            continue;
          }
          matchedBy.set(Number(match._id), item.row);
          const set = diffContact(match, changes, item.labels);
          // A resumed batch finds the contacts its first attempt created: they count as created.
          const wasReserved = reserved.get(item.row) === Number(match._id);
          if (wasReserved) createdAgain += 1;
          if (set) updates.push({ item, id: Number(match._id), set });
          else if (!wasReserved) unchanged += 1;
        }

        // 4. Reserve the ids of the new contacts before writing them: a retry reuses them.
        const ids = await assignIds(creates);
        if (creates.length) {
          await imports.updateOne(
            { _id: importId },
            { $set: { pending_batch: { first_row: items[0].row, last_row: items[items.length - 1].row, rows: creates.map((c) => c.row), ids } } },
          );
        }
        const already = new Set<number>();
        const reusedIds = ids.filter((id, i) => reserved.get(creates[i].row) === id);
        if (reusedIds.length) {
          for (const c of await contacts.find({ _id: { $in: reusedIds.map(String) }, account_id: accountId }, { _id: 1 }).lean()) already.add(Number(c._id));
        }

        // 5. Write: new contacts in one unordered insert, changed ones in one bulk update.
        const toInsert = creates.map((item, i) => ({ item, doc: newContact(ids[i], accountId, item.changes, item.labels, now) })).filter((c) => !already.has(Number(c.doc._id)));
        const failedInserts = new Map<number, string>();
        if (toInsert.length) {
          try {
            // The driver directly: the documents are complete, and mongoose's per-document casting costs.
            await contacts.collection.insertMany(toInsert.map((c) => c.doc) as never[], { ordered: false });
          } catch (err) {
            for (const e of writeErrorsOf(err)) {
              if (!isDuplicateKey(e)) throw err;
              failedInserts.set(e.index, takenKeyMessage(e.errmsg));
            }
          }
        }
        const failedUpdates = new Map<number, string>();
        const updateResults: boolean[] = updates.map(() => true);
        if (updates.length) {
          try {
            await contacts.collection.bulkWrite(
              updates.map((u) => ({
                updateOne: {
                  filter: { _id: String(u.id), account_id: accountId, deleted: false },
                  update: { $set: { ...u.set, updated_at: now }, $inc: { version: 1 } },
                },
              })) as never[],
              { ordered: false },
            );
          } catch (err) {
            for (const e of writeErrorsOf(err)) {
              if (!isDuplicateKey(e)) throw err;
              failedUpdates.set(e.index, takenKeyMessage(e.errmsg));
              updateResults[e.index] = false;
            }
          }
        }
        for (const [index, reason] of failedInserts) reject(toInsert[index].item, [reason]);
        for (const [index, reason] of failedUpdates) reject(updates[index].item, [reason]);

        if (rejected.length) {
          try {
            await rejections.collection.insertMany(rejected as never[], { ordered: false });
          } catch (err) {
            // Rows a crashed attempt already recorded keep their first record.
            if (writeErrorsOf(err).some((e) => !isDuplicateKey(e))) throw err;
          }
        }

        const insertedIds = toInsert.filter((_, i) => !failedInserts.has(i)).map((c) => Number(c.doc._id));
        const updatedIds = updates.filter((_, i) => updateResults[i]).map((u) => u.id);
        await sync.schedule([...insertedIds, ...updatedIds]);

        const updatedFromReserved = updates.filter((u, i) => updateResults[i] && reserved.get(u.item.row) === u.id).length;
        counters.created += insertedIds.length + already.size + createdAgain;
        counters.updated += updatedIds.length - updatedFromReserved;
        counters.unchanged += unchanged;
        counters.rejected += rejected.length;
        counters.bytes_read = Math.min(bytesRead, doc.file_size);
        const progress = await imports
          .findOneAndUpdate(
            { _id: importId },
            { $set: { ...counters, checkpoint_row: items[items.length - 1].row, pending_batch: null, updated_at: new Date() } },
            { new: true },
          )
          .lean();
        committedRow = items[items.length - 1].row;
        if (progress) onProgress?.(progress);
      }

      async function assignIds(creates: PlannedRow[]): Promise<number[]> {
        const fresh = creates.filter((c) => !reserved.has(c.row)).length;
        const pool = fresh ? await nextIds('contacts', fresh) : [];
        return creates.map((c) => reserved.get(c.row) ?? pool.shift()!);
      }
    }
  }

  /** Registers the job on the queue; an import whose last attempt fails is marked failed. */
  function register(queue: Queue.Queue<ImportJob>, concurrency: number) {
    void queue.process(concurrency, async (job) => {
      const id = job.data?.importId;
      if (!Number.isSafeInteger(id)) {
        logger.warn({ jobId: job.id, data: job.data }, 'malformed import job discarded');
        return;
      }
      await run(id);
    });
    queue.on('failed', (job, err) => {
      const id = job.data?.importId;
      if (!Number.isSafeInteger(id) || job.attemptsMade < (job.opts.attempts ?? 1)) {
        logger.warn({ importId: id, err: err.message, attempt: job.attemptsMade }, 'import attempt failed; it will resume from its checkpoint');
        return;
      }
      void fail(id, `the import stopped: ${err.message}`).catch((e) => logger.error({ err: e, importId: id }, 'could not mark import failed'));
    });
  }

  /**
   * Queues again every import still queued or processing: their job may have been lost with
   * Redis. The job id is the import's, so an import whose job still exists is not queued twice,
   * and a job for a finished import does nothing.
   */
  async function requeueUnfinished(queue: Queue.Queue<ImportJob>): Promise<number> {
    const unfinished = await imports.find({ status: { $in: ['queued', 'processing'] } }, { _id: 1 }).lean();
    for (const { _id } of unfinished) await queue.add({ importId: _id }, { jobId: `import-${_id}` });
    return unfinished.length;
  }

  return { run, register, fail, requeueUnfinished };
}

export type ContactImportProcessor = ReturnType<typeof createContactImportProcessor>;

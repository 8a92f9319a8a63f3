import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import csvParser from 'csv-parser';
import type { ContactChanges } from '../contacts/contact-changes';
import { IDENTITY_FIELD_NAMES } from '../records/contact-key.model';
import type { Contact } from '../records/contact.model';
import type { CustomAttributeDefinition } from '../records/custom-attribute-definition.model';
import type { DefinitionStore } from '../records/custom-attribute-definitions';
import type { ContactSearch } from '../search/search-contacts';
import type { CustomAttributesService } from '../custom-attributes/custom-attributes.service';
import type { LabelsService } from '../labels/labels.service';
import { messageForCaller, ValidationError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { addUnlessQueued, isLastAttempt, isStoreAway } from '../shared/resume-when-store-back';
import type { Queue } from '../shared/queues';
import type { ContactImport, ContactImportModel } from './contact-import.model';
import type { ImportJob } from './contact-import.service';
import { excelSeparatorOf, isBlankLine, planImportColumns, type ColumnPlan } from './import-columns';
import { createImportLease, ImportLeaseLost, type HeldLease } from './import-lease';
import type { ImportRejectionModel } from './import-rejection.model';
import { cellText, contactRowOf, identityKeys, InvalidUtf8Cell, labelsOf, parseImportRow, type Cell, type ParsedRow } from './parse-import-row';
import { planImportBatch, type ImportBatchPlan } from './plan-import-batch';
import { createLenientQuotes } from './lenient-quotes';
import { createRowSizeGuard } from './row-size-guard';
import { createMatchedContacts } from './matched-contacts';
import { createSeenKeys } from './seen-keys';
import { indexImportBatch, writeImportBatch, type ImportBatchWritten, type ImportWriterDeps } from './write-import-batch';

export interface ImportProcessorDeps extends ImportWriterDeps {
  imports: ContactImportModel;
  rejections: ImportRejectionModel;
  /** Which labels the account has, and the creation of those it lacks. */
  labels: Pick<LabelsService, 'existingTitles' | 'ensureLabels'>;
  definitions: Pick<DefinitionStore, 'of'>;
  /** Defines keys used for the first time, as every contact write does (lowest free slot). */
  customAttributes: Pick<CustomAttributesService, 'prepareValues'>;
  /** Makes what the import indexed visible to searches before it says `completed`. */
  search: Pick<ContactSearch, 'refresh'>;
  logger: Logger;
  config: { IMPORT_BATCH_SIZE: number; IMPORT_BATCH_MAX_CHARS: number; IMPORT_MAX_ROW_BYTES: number; IMPORT_LEASE_MS: number };
}

/** A row waiting in the batch; `rejected` is the reason when it is refused before parsing. */
interface BatchItem {
  row: number;
  cells: Cell[];
  rejected?: string;
  /** Where the row ends in the file, in bytes. */
  end?: number;
}

type Counters = Pick<ContactImport, 'rows_read' | 'created' | 'updated' | 'unchanged' | 'rejected' | 'bytes_read'>;

/** A batch written to MongoDB whose indexing may still run; its checkpoint waits for it. */
interface InFlight {
  lastRow: number;
  /** Where its last row ends in the file: the import's progress once it is checkpointed. */
  lastByte: number | undefined;
  written: ImportBatchWritten;
  indexing: Promise<void>;
  rowsRead: number;
  /** Rows that matched a contact already holding their values: updated rows all the same. */
  matchedUnchanged: number;
  /** Those of them unchanged before this import wrote anything (not rows an earlier run of it wrote). */
  unchanged: number;
}

/** A header's column plan and the definitions it was made from. */
interface PlannedColumns {
  plan: ColumnPlan;
  definitions: CustomAttributeDefinition[];
}

/** Whether two reads of an account's definitions plan a header alike: same keys, types and list values, in the same order. */
const sameDefinitions = (a: CustomAttributeDefinition[], b: CustomAttributeDefinition[]) => {
  const planned = (defs: CustomAttributeDefinition[]) => JSON.stringify(defs.map((d) => [d.attribute_key, d.attribute_display_type, d.attribute_values ?? []]));
  return planned(a) === planned(b);
};

/** A failure that retrying cannot fix (a bad header, a missing file): the import fails at once. */
class ImportFailure extends Error {}

/** The worker is shutting down: the run stopped at a batch boundary, checkpointed; another attempt resumes it. */
export class ImportInterrupted extends Error {}

// What the rejected-rows file keeps of a row over IMPORT_MAX_ROW_BYTES: enough to find it in the file.
export const OVER_LONG_ROW_KEPT_CHARS = 1000;

/** The first `budget` characters of the row's cells, each cut cell marked with an ellipsis. */
function truncatedCells(cells: Cell[], budget: number): string[] {
  const kept: string[] = [];
  for (const cell of cells) {
    if (budget <= 0) break;
    const text = cellText(cell);
    if (text.length <= budget) kept.push(text);
    else kept.push(`${text.slice(0, budget).replace(/[\uD800-\uDBFF]$/, '')}…`);
    budget -= text.length;
  }
  return kept;
}

export function createContactImportProcessor(deps: ImportProcessorDeps) {
  const { imports, rejections, contacts, keys, labels, definitions, customAttributes, writer, sync, search, logger, config } = deps;
  const lease = createImportLease(imports, config.IMPORT_LEASE_MS);
  // Set by the worker's shutdown: runs stop at their next batch boundary, before the connections
  // close (MongoDB was closed under a running import: errors, exit 1).
  let stopping = false;

  /**
   * Marks pending the contacts of the batches an import had written but not indexed when it
   * stopped: new contacts carry no mark (the import indexes them itself), and no resume will.
   */
  async function markUnindexed(doc: Pick<ContactImport, 'account_id' | 'pending_batch'>) {
    if (!doc.pending_batch?.ids.length) return;
    const written = await contacts.find({ _id: { $in: doc.pending_batch.ids.map(String) } }, { _id: 1, account_id: 1, version: 1 }).lean();
    const ours = written.filter((c) => c.account_id === doc.account_id);
    await writer.markPending(ours.map((c) => ({ id: c._id, accountId: c.account_id, version: c.version })));
    await sync.schedule(ours.map((c) => Number(c._id)));
  }

  /** Marks the import failed: by the run that holds it, or by anyone once no live run does (never under a live runner's feet). */
  async function fail(id: number, error: string, held?: HeldLease) {
    // Before the import is failed and its reservation cleared: should this throw, it stays
    // unfinished and is resumed. Marks made when a live runner keeps the import (the update
    // below then matches nothing) only index those contacts once more.
    const before = await imports.findById(id).lean();
    if (before && (before.status === 'queued' || before.status === 'processing')) await markUnindexed(before);
    const doc = await imports
      .findOneAndUpdate(
        { ...(held ? held.fence() : { _id: id, ...lease.freeOrLapsed() }), status: { $in: ['queued', 'processing'] } },
        { $set: { status: 'failed', error, finished_at: new Date(), updated_at: new Date(), pending_batch: null } },
        { new: true },
      )
      .lean();
    if (doc?.owns_file) await unlink(doc.file_path).catch(() => undefined);
    logger.warn({ importId: id, error }, 'import failed');
  }

  /**
   * The header's columns as the account's definitions (`known`, else read now) make them, keys
   * with no definition yet defined as text first; answered with the definitions planned from.
   */
  async function planColumns(accountId: number, headerCells: Cell[], known?: CustomAttributeDefinition[]): Promise<PlannedColumns> {
    if (headerCells.some((cell) => cell instanceof InvalidUtf8Cell)) throw new ImportFailure('the header line is not valid UTF-8 (save the file as "CSV UTF-8": a file in Latin-1 or Windows-1252 gives this for an accented letter)');
    const texts = headerCells.map(cellText);
    const before = known ?? (await definitions.of(accountId));
    const first = planImportColumns(texts, before);
    if (!first.ok) throw new ImportFailure(first.error);
    if (!first.plan.undefinedKeys.length) return { plan: first.plan, definitions: before };
    let refused: ValidationError | undefined;
    try {
      // A text value defines a text attribute: file columns carry text.
      await customAttributes.prepareValues(accountId, Object.fromEntries(first.plan.undefinedKeys.map((key) => [key, ''])));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // Perhaps defined meanwhile with another type, which '' does not fit: the column takes that
      // type, as a key defined before the upload would. The whole import failed on it.
      refused = err;
    }
    const after = await definitions.of(accountId);
    const second = planImportColumns(texts, after);
    if (!second.ok) throw new ImportFailure(second.error);
    if (refused && second.plan.undefinedKeys.length) throw new ImportFailure(`the header's custom attribute columns cannot be defined: ${refused.message}`);
    return { plan: second.plan, definitions: after };
  }

  /** Live contacts that have an identifier, email or phone of these rows: their keys, then them, each one read by _id for the whole batch. */
  async function matchingContacts(accountId: number, rows: ContactChanges[]): Promise<Contact[]> {
    const claims = IDENTITY_FIELD_NAMES.flatMap((field) =>
      [...new Set(rows.map((changes) => changes[field]).filter((v): v is string => !!v))].map((value) => ({ accountId, contactId: 0, field, value })),
    );
    return keys.holdersOf(claims);
  }

  /**
   * Streams the file's records as arrays of cells, with the bytes read so far; `overLong(n)` is
   * the size of record n (0 the header) when it was longer than IMPORT_MAX_ROW_BYTES and cut.
   */
  function readRecords(path: string) {
    const guard = createRowSizeGuard(config.IMPORT_MAX_ROW_BYTES);
    const parser = csvParser({
      headers: false,
      raw: true,
      mapValues: ({ value }: { value: Buffer }) => (isUtf8(value) ? value.toString('utf8') : new InvalidUtf8Cell(value.toString('utf8'))),
    });
    const file = createReadStream(path);
    file.on('error', (err) => parser.destroy(err));
    // Before the guard, which splits records as csv-parser does and so must see quotes as it will.
    const quotes = createLenientQuotes(config.IMPORT_MAX_ROW_BYTES);
    return { records: file.pipe(quotes).pipe(guard.stream).pipe(parser), overLong: guard.take, endOf: guard.endOf, unclosed: guard.unclosed };
  }

  /**
   * Runs (or resumes) one import. Rows up to the checkpoint were committed by an earlier
   * attempt and are only re-read to remember their keys; the batch that was being written
   * when an attempt died is written again with the ids it had reserved, so none of its rows
   * is created twice.
   */
  async function run(importId: number, options: { onProgress?: (progress: ContactImport) => void } = {}): Promise<ContactImport | null> {
    let waiting = false;
    for (;;) {
      const taken = await lease.take(importId);
      if (taken) return runHeld(taken.doc, taken.held, options.onProgress);
      const doc = await imports.findById(importId).lean();
      if (!doc || (doc.status !== 'queued' && doc.status !== 'processing')) {
        if (!waiting) logger.warn({ importId }, 'import job for an import that is missing or already finished; skipped');
        return doc;
      }
      // Another run holds it. Failing here would fail an import that is going well, and leaving
      // at once would strand it if that run has just died: so wait until it ends, or until its
      // lease lapses and this run takes over.
      if (!waiting) logger.info({ importId, leaseUntil: doc.lease_until }, 'import held by another run; waiting until it ends or its lease lapses');
      waiting = true;
      const untilLapse = doc.lease_until ? doc.lease_until.getTime() - Date.now() + 10 : 0;
      await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(untilLapse, 50), config.IMPORT_LEASE_MS / 3)));
    }
  }

  async function runHeld(started: ContactImport, held: HeldLease, onProgress?: (progress: ContactImport) => void): Promise<ContactImport | null> {
    const importId = started._id;
    if (!started.started_at) await imports.updateOne({ _id: importId }, { $set: { started_at: new Date() } });
    const log = logger.child({ importId, accountId: started.account_id });
    try {
      await process(started, onProgress);
    } catch (err) {
      if (err instanceof ImportLeaseLost) {
        // This run stalled past its lease and another took the import over: it carries on from the checkpoint.
        log.warn({ err }, 'import lease lost; this run stops and leaves the import to the run that took it');
      } else if (err instanceof ImportFailure) {
        await fail(importId, err.message, held);
      } else throw err;
    } finally {
      await held.release().catch((err) => log.warn({ err }, 'import lease not released; it lapses by itself'));
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
      // Rows an earlier run wrote past its checkpoint: planned again, they hold what it wrote, so
      // only those its own plan found unchanged count as unchanged (a resume after SIGTERM counted
      // `unchanged: 1000` for a batch of 1,000 rows the first run had updated).
      const earlier = { through: doc.written_through ?? 0, unchanged: new Set(doc.written_unchanged ?? []) };
      let checkpointed = doc.checkpoint_row;
      let writtenUnchanged: number[] = [];
      const pending = doc.pending_batch;
      const reserved = new Map<number, number>(pending ? pending.rows.map((r, i) => [r, pending.ids[i]]) : []);
      const seen = createSeenKeys();
      // Rebuilt only from the rows planned by this run: after a resume, a row matching a contact that
      // a row before the checkpoint matched is not known as a second one (the keys still are, by seen).
      const matched = createMatchedContacts();
      // Rows before the checkpoint the planner may have rejected before they claimed their keys
      // (for what they say, for keys of two contacts): their rejections tell, read by _id a batch
      // at a time (a resume of a million rows reads a thousand batches of ids, most of them absent).
      let replayed: { row: number; keys: string[] }[] = [];
      const claimReplayed = async () => {
        const waiting = replayed;
        replayed = [];
        const found = await rejections.find({ _id: { $in: waiting.map((r) => `${importId}:${r.row}`) } }, { row: 1, unclaimed: 1 }).lean();
        const unclaimed = new Set(found.filter((r) => r.unclaimed).map((r) => r.row));
        for (const r of waiting) if (!unclaimed.has(r.row)) seen.claim(r.keys);
      };
      let plan: ColumnPlan | undefined;
      let header: { cells: Cell[]; definitions: CustomAttributeDefinition[] } | undefined;
      let row = 0;
      // Blank lines before the header: records the row-size guard counts but that are not rows.
      let blankLead = 0;
      let batch: BatchItem[] = [];
      let batchChars = 0;
      let inFlight: InFlight | null = null;
      let lastPlanned: Promise<unknown> = Promise.resolve();
      let committing: Promise<void> = Promise.resolve();

      const { records, overLong, endOf, unclosed } = readRecords(doc.file_path);
      try {
        for await (const record of records as AsyncIterable<Record<number, Cell>>) {
          const cells = Object.values(record);
          if (!plan) {
            const separator = blankLead === 0 ? excelSeparatorOf(cells.map(cellText)) : undefined;
            if (separator !== undefined && separator !== ',') {
              throw new ImportFailure(`the file's first line, "sep=${separator}", says its fields are separated by ${JSON.stringify(separator)}: the file must be comma-separated; save it again as CSV with "," between fields`);
            }
            // Excel's `sep=,` is skipped as a blank line before the header is: rows still count from the header.
            if (separator === ',' || isBlankLine(cells.map(cellText))) {
              overLong(blankLead);
              endOf(blankLead);
              blankLead += 1;
              continue;
            }
            endOf(blankLead);
            if (overLong(blankLead) !== undefined) throw new ImportFailure(`the header line is longer than ${config.IMPORT_MAX_ROW_BYTES} bytes (IMPORT_MAX_ROW_BYTES)`);
            if (unclosed(blankLead)) throw new ImportFailure(`the header line opens a quote (") that is never closed: the whole file was read as the header; close the quote`);
            const planned = await planColumns(accountId, cells);
            plan = planned.plan;
            header = { cells, definitions: planned.definitions };
            await imports.updateOne({ _id: importId }, { $set: { headers: cells.map(cellText).map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h)) } });
            continue;
          }
          row += 1;
          const bytes = overLong(blankLead + row);
          const end = endOf(blankLead + row);
          if (row <= doc.checkpoint_row) {
            const parsed = bytes === undefined && !unclosed(blankLead + row) ? parseImportRow(cells, plan) : undefined;
            const wanted = parsed && contactRowOf(parsed);
            if (!wanted) continue;
            replayed.push({ row, keys: identityKeys(wanted.changes) });
            if (replayed.length >= config.IMPORT_BATCH_SIZE) await claimReplayed();
            continue;
          }
          if (replayed.length) await claimReplayed();
          if (bytes === undefined && unclosed(blankLead + row)) {
            // Imported, its cells would be the rest of the file run together (a contact named after raw CSV lines).
            const reason = `a quote (") opened in this row is never closed, so the rest of the file from here was read as this one row and none of it was imported; close the quote (or write a quote inside a cell as "") and import these lines again`;
            batch.push({ row, cells, rejected: reason, end });
          } else if (bytes === undefined) batch.push({ row, cells, end });
          else {
            // Rejected whole: its cells were cut at the limit, so none of them can be trusted.
            const reason = `the row is ${bytes} bytes, longer than ${config.IMPORT_MAX_ROW_BYTES} (IMPORT_MAX_ROW_BYTES); it was not imported, and only its first ${OVER_LONG_ROW_KEPT_CHARS} characters are kept here`;
            batch.push({ row, cells: truncatedCells(cells, OVER_LONG_ROW_KEPT_CHARS), rejected: reason, end });
          }
          // A file of very long rows must not hold IMPORT_BATCH_SIZE of them in memory at once.
          batchChars += cells.reduce((sum: number, cell) => sum + cellText(cell).length, 0);
          if (batch.length >= config.IMPORT_BATCH_SIZE || batchChars >= config.IMPORT_BATCH_MAX_CHARS) {
            if (stopping) throw new ImportInterrupted(`import ${importId} stopped at row ${checkpointed} by a shutdown; it resumes from there`);
            await importBatch(batch);
            batch = [];
            batchChars = 0;
          }
        }
      } catch (err) {
        // A batch still being written finishes first: nothing may write once this run has stopped.
        await committing.catch(() => undefined);
        if (err instanceof ImportInterrupted && inFlight) await checkpoint(inFlight, null);
        if (err instanceof ImportFailure || err instanceof ImportInterrupted) throw err;
        const code = (err as { code?: string }).code;
        if (code === 'ENOENT') throw new ImportFailure('the uploaded file is no longer there; upload it again');
        throw err;
      }
      if (!plan) throw new ImportFailure('the file is empty: it has no header line');
      if (batch.length) await importBatch(batch);
      await committing;
      if (inFlight) await checkpoint(inFlight, null);
      // The import indexed its rows itself, but a search finds them only after the index's next
      // refresh (up to a second): a script that waited for `completed` and then exported or
      // filtered got none or part of them. What the index refused is pending for the sync worker
      // and follows within seconds; with Elasticsearch away the import still completes.
      await search.refresh().catch((err: unknown) => log.warn({ err }, 'import completed without a refresh: its last rows become searchable at the next one'));

      const finished = await imports
        .findOneAndUpdate(
          held.fence(),
          { $set: { status: 'completed', finished_at: new Date(), updated_at: new Date(), bytes_read: doc.file_size, pending_batch: null } },
          { new: true },
        )
        .lean();
      if (!finished) throw new ImportLeaseLost(`import ${importId} was taken over before it could be marked completed`);
      if (doc.owns_file) await unlink(doc.file_path).catch(() => undefined);
      log.info({ ...counters }, 'import completed');
      onProgress?.(finished);

      /**
       * Three batches overlap, each at another stage: this one is parsed and its matching
       * contacts read while the one before is written, and that one is written while the one
       * before it is indexed (MongoDB reads, MongoDB writes and Elasticsearch work at once). Plans
       * are made in file order (the first of two rows with one email wins), and writes one after
       * another; the caller goes on reading the file once the previous batch is written, so at
       * most these three batches are held.
       */
      async function importBatch(items: BatchItem[]) {
        await followDefinitions();
        const rows = items.map(({ row, cells, rejected }) => ({
          row,
          cells,
          parsed: rejected === undefined ? parseImportRow(cells, plan!) : ({ kind: 'rejected', errors: [rejected] } satisfies ParsedRow),
        }));
        const wanted = rows.flatMap((r) => contactRowOf(r.parsed) ?? []);
        const lookups = Promise.all([
          // Of rejected rows too: a label the account lacks is named among a row's other faults.
          labels.existingTitles(accountId, rows.flatMap((r) => labelsOf(r.parsed))),
          matchingContacts(accountId, wanted.map((p) => p.changes)),
        ]);
        const planned = Promise.all([lookups, lastPlanned]).then(([[knownLabels, existing]]) =>
          planImportBatch({ rows, seen, matched, knownLabels, createLabels: doc.create_labels === true, existing, reserved }),
        );
        lastPlanned = planned;
        const previous = committing;
        committing = Promise.all([planned, previous]).then(([batchPlan]) => commit(items, batchPlan));
        // Awaited by the next batch or at the end; until then a failure must not count as unhandled.
        committing.catch(() => undefined);
        await previous;
      }

      /**
       * The columns planned again when the account's definitions changed since they were: a key
       * deleted and defined again as a number while the import ran took text values from every
       * later row (the type read with the header), which any other write refuses; a key deleted
       * is defined again, as its first use would.
       */
      async function followDefinitions() {
        const known = await definitions.of(accountId);
        if (sameDefinitions(known, header!.definitions)) return;
        const planned = await planColumns(accountId, header!.cells, known);
        plan = planned.plan;
        header = { cells: header!.cells, definitions: planned.definitions };
      }

      /** Writes a planned batch, starts its indexing, then waits for the previous one's and saves its checkpoint. */
      async function commit(items: BatchItem[], batchPlan: ImportBatchPlan) {
        const { row: lastRow, end: lastByte } = items[items.length - 1];
        const unchanged = batchPlan.unchanged.filter((r) => r > earlier.through || earlier.unchanged.has(r));
        writtenUnchanged = [...writtenUnchanged.filter((r) => r > checkpointed), ...unchanged];
        // Nothing of the batch is written unless this run still holds the import; what it is about
        // to write is recorded with the renewal, for a run that resumes it.
        await held.renew({
          written_through: Math.max(lastRow, earlier.through),
          written_unchanged: [...writtenUnchanged, ...[...earlier.unchanged].filter((r) => r > lastRow)],
        });
        // Before the contacts that carry them, so that every label on a contact is an account label:
        // those the plan found missing (create_labels), and any renamed or deleted since the plan
        // read it, which the write takes again (as a contact given it does).
        await labels.ensureLabels(accountId, batchPlan.writtenLabels);
        const carried = inFlight?.written.reservation ?? null;
        const written = await writeImportBatch(deps, { importId, accountId, firstRow: items[0].row, lastRow, reserved, carried, plan: batchPlan });
        // And after, once they are indexed: a label deleted meanwhile is taken again (see
        // ensureLabels). Not as soon as they are written: the new contacts carry no pending mark,
        // so a removal walking the label's carriers until then missed them in the index, and 823
        // contacts of one import kept a label the account no longer had (a black-box race).
        const indexing = indexImportBatch(deps, accountId, written).then(() => labels.ensureLabels(accountId, batchPlan.writtenLabels));
        // Awaited by the checkpoint; until then a failure must not count as unhandled.
        indexing.catch(() => undefined);
        const previous = inFlight;
        inFlight = { lastRow, lastByte, written, indexing, rowsRead: batchPlan.rowsRead, matchedUnchanged: batchPlan.unchanged.length, unchanged: unchanged.length };
        if (previous) await checkpoint(previous, written.reservation);
      }

      /** Once a batch is indexed: its counts and checkpoint in one update, the next batch's reservation kept. */
      async function checkpoint(done: InFlight, nextReservation: ImportBatchWritten['reservation']) {
        await done.indexing;
        counters.rows_read += done.rowsRead;
        counters.created += done.written.created;
        // Every row that matched a contact counts as updated (SPEC §5: matches are updated), so
        // created + updated + rejected is the rows read; `unchanged` tells how many of them were so already.
        counters.updated += done.written.updated + done.matchedUnchanged;
        counters.unchanged += done.unchanged + done.written.unchanged;
        counters.rejected += done.written.rejected;
        // The rows imported so far, not how far csv-parser has read ahead of them.
        if (done.lastByte !== undefined) counters.bytes_read = Math.min(done.lastByte, doc.file_size);
        const progress = await imports
          .findOneAndUpdate(held.fence(), { $set: { ...counters, checkpoint_row: done.lastRow, pending_batch: nextReservation, updated_at: new Date() } }, { new: true })
          .lean();
        if (!progress) throw new ImportLeaseLost(`import ${importId} was taken over before its checkpoint at row ${done.lastRow}`);
        checkpointed = done.lastRow;
        if (inFlight === done) inFlight = null;
        onProgress?.(progress);
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
      if (!Number.isSafeInteger(id) || !isLastAttempt(job)) {
        logger.warn({ importId: id, err, attempt: job.attemptsMade }, 'import attempt failed; it will resume from its checkpoint');
        return;
      }
      // Queued again to resume once the store is back (resumeWhenStoreBack), not failed; one a
      // shutdown stopped is queued again by the next worker's start.
      if (isStoreAway(err) || err instanceof ImportInterrupted) return;
      logger.warn({ importId: id, err }, 'import stopped after its last attempt');
      void fail(id, `the import stopped: ${messageForCaller(err)}`).catch((e) => logger.error({ err: e, importId: id }, 'could not mark import failed'));
    });
  }

  /**
   * Queues again every import still queued or processing: their job may have been lost with
   * Redis, or have failed while MongoDB was away (unmarked, as marking needs it). The job id is
   * the import's, so an import whose job still waits or runs is not queued twice; a failed one
   * holding the id is replaced. A job for a finished import does nothing.
   */
  async function requeueUnfinished(queue: Queue.Queue<ImportJob>): Promise<number> {
    const unfinished = await imports.find({ status: { $in: ['queued', 'processing'] } }, { _id: 1 }).lean();
    for (const { _id } of unfinished) await addUnlessQueued(queue, { importId: _id }, `import-${_id}`);
    return unfinished.length;
  }

  /** Shutdown: running imports stop at their next batch boundary, checkpointed, and their job fails to be resumed. */
  function stop(): void {
    stopping = true;
  }

  return { run, register, fail, requeueUnfinished, stop };
}

export type ContactImportProcessor = ReturnType<typeof createContactImportProcessor>;

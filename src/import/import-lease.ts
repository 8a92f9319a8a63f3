import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ContactImport, ContactImportModel } from './contact-import.model';

/** The runner lost its lease (it stalled past it and another took over): it must write no more. */
export class ImportLeaseLost extends Error {}

const unfinished = { $in: ['queued', 'processing'] };

function holdLease(imports: ContactImportModel, importId: number, owner: string, leaseMs: number) {
  let lost = false;
  /** `also`: fields written with the renewal (what a batch about to be written records first). */
  async function renew(also: Partial<ContactImport> = {}): Promise<void> {
    if (lost) throw new ImportLeaseLost(`the lease on import ${importId} was lost`);
    const res = await imports.updateOne({ _id: importId, lease_owner: owner }, { $set: { ...also, lease_until: new Date(Date.now() + leaseMs) } });
    if (res.matchedCount === 0) {
      lost = true;
      throw new ImportLeaseLost(`the lease on import ${importId} was taken by another runner`);
    }
  }
  // A batch can take longer than a third of the lease (a slow Elasticsearch): renewed meanwhile too.
  const timer = setInterval(() => renew().catch(() => undefined), Math.max(50, Math.floor(leaseMs / 3)));
  timer.unref();
  return {
    owner,
    /** Renews the lease, or throws ImportLeaseLost: called before each batch writes anything. */
    renew,
    /** A filter that matches the import only while this runner holds it: its final writes are fenced by it. */
    fence: () => ({ _id: importId, lease_owner: owner }),
    async release(): Promise<void> {
      clearInterval(timer);
      await imports.updateOne({ _id: importId, lease_owner: owner }, { $set: { lease_owner: null, lease_until: null } });
    },
  };
}

/**
 * One runner of an import at a time, across processes: bull hands a job to one worker, but a
 * stalled-job check (a worker whose lock lapsed while it still ran) or a requeue can hand the
 * same import to a second one. The runner holds a lease on the import document, written by _id
 * only and conditional on it being free or lapsed, renews it while it runs and before every
 * batch, and gives it back at the end. Each run is its own owner, so two jobs for one import in
 * the same process exclude each other too.
 */
export function createImportLease(imports: ContactImportModel, leaseMs: number) {
  const freeOrLapsed = () => ({ $or: [{ lease_until: null }, { lease_until: { $lt: new Date() } }] });

  /** Takes the lease on an unfinished import and marks it processing; null when another runner holds it or the import is over. */
  async function take(importId: number): Promise<{ doc: ContactImport; held: HeldLease } | null> {
    const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
    const doc = await imports
      .findOneAndUpdate(
        { _id: importId, status: unfinished, ...freeOrLapsed() },
        { $set: { status: 'processing', lease_owner: owner, lease_until: new Date(Date.now() + leaseMs), updated_at: new Date() }, $inc: { attempts: 1 } },
        { new: true },
      )
      .lean();
    return doc ? { doc, held: holdLease(imports, importId, owner, leaseMs) } : null;
  }

  return { take, freeOrLapsed };
}

export type HeldLease = ReturnType<typeof holdLease>;

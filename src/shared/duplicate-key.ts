/**
 * Whether a write was refused by a unique index. Takes a thrown error or one per-document write
 * error of an unordered insertMany/bulkWrite (`{ index, code, errmsg }`).
 *
 * MongoDB says code 11000 ("E11000 duplicate key error ..."). FerretDB says the same on insert,
 * but refuses an update with code 1 and SQLite's "UNIQUE constraint failed: index '...'".
 */
export function isDuplicateKey(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { code, message, errmsg } = err as { code?: unknown; message?: unknown; errmsg?: unknown };
  if (code === 11000) return true;
  const text = [message, errmsg].filter((t): t is string => typeof t === 'string').join('\n');
  if (code === 1) return text.includes('UNIQUE constraint failed');
  // A bulk error whose code the driver did not lift from its write errors still names it.
  return code === undefined && text.includes('E11000');
}

/**
 * The positions of the documents an unordered insertMany refused as duplicates. Rethrows the
 * error when it is anything else, or when any document failed for another reason.
 *
 * The driver wraps an error of its own in the middle of an insertMany (a connection refused or
 * reset while the server restarts) in a MongoBulkWriteError too, with `writeErrors: []`: no
 * document was refused, and none is known to be written. Read as "no duplicates", a claim of
 * contact_keys believed every key taken and its create wrote the contact with no key (a fault
 * audit: FerretDB killed during creates left live contacts whose email a second create took).
 */
export function duplicateIndexes(err: unknown): Set<number> {
  const writeErrors = (err as { writeErrors?: unknown } | null)?.writeErrors;
  if (!writeErrors || (Array.isArray(writeErrors) && !writeErrors.length)) throw err;
  const list = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as { index?: number; code?: number; errmsg?: string; err?: { index: number; code?: number; errmsg?: string } }[];
  const indexes = new Set<number>();
  for (const e of list) {
    const one = e.err ?? e;
    if (!isDuplicateKey({ code: one.code, errmsg: one.errmsg })) throw err;
    indexes.add((e.index ?? e.err?.index)!);
  }
  return indexes;
}

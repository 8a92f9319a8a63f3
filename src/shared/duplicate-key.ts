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

import type { Schema } from 'mongoose';

/**
 * Collections that grow with the contacts are read and written by _id only: any other filter
 * is a scan of the whole collection on the local MongoDB-wire server, and a secondary index on
 * a sharded MongoDB. This plugin makes a query that breaks the rule throw, unless the query
 * says why it may (`.comment(exemptBecause('…'))`, which also shows in the server's logs and
 * profiler). Tests switch it on (ENFORCE_ID_ONLY), so every path they exercise is checked.
 */
export class IdOnlyViolation extends Error {}

const EXEMPT = 'id-only exempt: ';

/** The comment that lets one query filter by something other than _id; the reason is required. */
export function exemptBecause(reason: string): string {
  if (!reason.trim()) throw new Error('an exemption from the _id-only rule needs a reason');
  return EXEMPT + reason;
}

const isExempt = (options: { comment?: unknown } | undefined) => typeof options?.comment === 'string' && options.comment.startsWith(EXEMPT);

const QUERY_HOOKS = [
  'countDocuments',
  'deleteMany',
  'deleteOne',
  'find',
  'findOne',
  'findOneAndDelete',
  'findOneAndReplace',
  'findOneAndUpdate',
  'replaceOne',
  'updateMany',
  'updateOne',
] as const;

const isIdValue = (value: unknown) => typeof value === 'string' || typeof value === 'number';

/**
 * A filter whose top level pins _id to one value or a non-empty list: what every server serves
 * from the _id index. An empty $in is not: the local server then scans the whole collection.
 */
export function isByIdFilter(filter: Record<string, unknown> | undefined): boolean {
  const id = filter?._id as unknown;
  if (isIdValue(id)) return true;
  if (id && typeof id === 'object' && !Array.isArray(id)) {
    const ops = Object.keys(id);
    const inList = (id as { $in?: unknown }).$in;
    return ops.length === 1 && ((ops[0] === '$in' && Array.isArray(inList) && inList.length > 0 && inList.every(isIdValue)) || (ops[0] === '$eq' && isIdValue((id as { $eq: unknown }).$eq)));
  }
  return false;
}

export function idOnlyGuard(collections: string[]) {
  const guarded = new Set(collections);

  function check(collection: string, filter: Record<string, unknown> | undefined, op: string) {
    if (!guarded.has(collection) || isByIdFilter(filter)) return;
    throw new IdOnlyViolation(`${op} on ${collection} by ${JSON.stringify(filter)}: contact-sized collections are read and written by _id only (src/shared/id-only-guard.ts)`);
  }

  return function plugin(schema: Schema) {
    // Mongoose's types know these hooks only by other overloads.
    const pre = schema.pre.bind(schema) as unknown as (hook: string, fn: (this: never, ...args: never[]) => void) => void;
    for (const hook of QUERY_HOOKS) {
      pre(hook, function (this: { model: { collection: { collectionName: string } }; getFilter(): Record<string, unknown>; getOptions(): { comment?: unknown } }) {
        if (!isExempt(this.getOptions())) check(this.model.collection.collectionName, this.getFilter(), hook);
      });
    }
    pre('aggregate', function (this: { _model: { collection: { collectionName: string } }; options: { comment?: unknown } }) {
      if (!isExempt(this.options)) check(this._model.collection.collectionName, undefined, 'aggregate');
    });
    pre('bulkWrite', function (this: { collection: { collectionName: string } }, next: () => void, ops: Record<string, { filter?: Record<string, unknown> }>[]) {
      for (const op of ops) {
        const [name, body] = Object.entries(op)[0];
        if (name !== 'insertOne') check(this.collection.collectionName, body.filter, `bulkWrite ${name}`);
      }
      next();
    });
  };
}

import { MongoBulkWriteError, MongoNetworkError } from 'mongodb';
import { duplicateIndexes, isDuplicateKey } from '../../src/shared/duplicate-key';
import { isMongoUnavailable } from '../../src/shared/mongo';

// The shapes below are what the driver surfaced against MongoDB and FerretDB v1.24.2 (SQLite).
const thrown = (code: number | undefined, message: string, extra: object = {}) => Object.assign(new Error(message), { code }, extra);

const E11000 = 'E11000 duplicate key error collection: contacts.contacts index: account_id_1_email_key_1 dup key: { account_id: 1, email_key: "a@b.c" }';
const SQLITE_UNIQUE =
  "[msg_update.go:133 handler.(*Handler).updateDocument] [collection.go:182 sqlite.(*collection).UpdateAll] constraint failed: UNIQUE constraint failed: index 'contacts_7de2adb1_account_id_1_email_key_1' (2067)";

describe('isDuplicateKey', () => {
  it('when MongoDB (or FerretDB on insert) throws code 11000, then it is a duplicate key', () => {
    expect(isDuplicateKey(thrown(11000, E11000))).toBe(true);
  });

  it('when FerretDB refuses an update with code 1 and "UNIQUE constraint failed", then it is a duplicate key', () => {
    expect(isDuplicateKey(thrown(1, SQLITE_UNIQUE))).toBe(true);
  });

  it('when a bulk error carries E11000 in its message but no code, then it is a duplicate key', () => {
    expect(isDuplicateKey(thrown(undefined, `insertMany failed: ${E11000}`))).toBe(true);
  });

  it('when given a per-document write error of an unordered insertMany/bulkWrite, then it reads its code and errmsg', () => {
    expect(isDuplicateKey({ index: 0, code: 11000, errmsg: E11000 })).toBe(true);
    expect(isDuplicateKey({ index: 3, code: 1, errmsg: SQLITE_UNIQUE })).toBe(true);
    expect(isDuplicateKey({ index: 1, code: 121, errmsg: 'Document failed validation' })).toBe(false);
    expect(isDuplicateKey({ index: 2, code: 1, errmsg: 'some other internal error' })).toBe(false);
  });

  it('when the error is anything else, then it is not a duplicate key', () => {
    expect(isDuplicateKey(thrown(1, 'internal error'))).toBe(false);
    expect(isDuplicateKey(thrown(2, `BadValue: ${E11000}`))).toBe(false);
    expect(isDuplicateKey(new Error('connection refused'))).toBe(false);
    expect(isDuplicateKey(undefined)).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
    expect(isDuplicateKey('E11000')).toBe(false);
  });
});

describe('duplicateIndexes', () => {
  it('when an unordered insertMany refused documents as duplicates, then it answers their positions', () => {
    const err = new MongoBulkWriteError({ message: E11000, code: 11000, writeErrors: [{ index: 2, code: 11000, errmsg: E11000 }, { index: 0, code: 11000, errmsg: E11000 }] } as never, {} as never);
    expect([...duplicateIndexes(err)].sort()).toEqual([0, 2]);
  });

  // The driver wraps a connection refused or reset in the middle of an insertMany in a
  // MongoBulkWriteError with `writeErrors: []` (bulk/common.js): nothing was refused, nothing is
  // known written. Answered as "no duplicates", a key claim believed every key taken.
  it('when the driver failed the insertMany itself (no write errors), then it rethrows, and the error reads as the database unavailable', () => {
    const err = new MongoBulkWriteError(new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017') as never, {} as never);
    expect(err.writeErrors).toEqual([]);
    expect(() => duplicateIndexes(err)).toThrow(err);
    expect(isMongoUnavailable(err)).toBe(true);
  });
});

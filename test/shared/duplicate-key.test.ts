import { isDuplicateKey } from '../../src/shared/duplicate-key';

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

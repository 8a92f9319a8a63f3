import type { Caller } from '../accounts/accounts.service';
import type { AccountsService } from '../accounts/accounts.service';
import type { ContactModel } from '../records/contact.model';
import { ForbiddenError, NotFoundError, PreconditionFailedError, ValidationError } from '../shared/errors';
import type { IdAllocator } from '../shared/id-allocator';
import { inChunks } from '../shared/id-lists';
import type { ContactNotesModel } from './contact-notes.model';
import type { Note, NoteModel } from './note.model';
import { toUserSummary, type UserSummary } from '../accounts/user-summary.presenter';
import { toNotePayload, type NotePayload } from './note.presenter';
import type { NoteInput, NoteUpdate } from './notes.schemas';

/** A note as answered, with the version its ETag names: its updated_at in milliseconds. */
export interface VersionedNote {
  payload: NotePayload;
  version: number;
}

const versionOf = (note: Note) => note.updated_at.getTime();

/** Throws the 412 unless the note, as read now, is at a version the caller's If-Match accepts (contact-etag.ts reads the header). */
function checkNoteIfMatch(accepted: number[] | undefined, note: Note): void {
  if (accepted === undefined || accepted.includes(versionOf(note))) return;
  if (!accepted.length) {
    throw new PreconditionFailedError(`If-Match names no ETag of note ${note._id}: it takes the ETag a read or write of the note answered (a weak tag, W/"…", never matches)`);
  }
  throw new PreconditionFailedError(`note ${note._id} was changed by someone else since it was read; read it again and reapply the change`);
}

export interface NotesServiceDeps {
  notes: NoteModel;
  contactNotes: ContactNotesModel;
  contacts: ContactModel;
  people: Pick<AccountsService, 'usersIn'>;
  nextIds: IdAllocator;
}

/** Notes read and sent at a time when a contact's notes are listed. */
const NOTES_PAGE = 100;

export function createNotesService({ notes, contactNotes, contacts, people, nextIds }: NotesServiceDeps) {
  async function assertContact(accountId: number, contactId: number) {
    const found = await contacts.exists({ _id: contactId, account_id: accountId, deleted: false });
    if (!found) throw new NotFoundError('contact', contactId);
  }

  async function find(accountId: number, contactId: number, noteId: number): Promise<Note> {
    const note = await notes.findOne({ _id: noteId, account_id: accountId, contact_id: contactId }).lean();
    if (!note) throw new NotFoundError('note', noteId);
    return note;
  }

  async function authorsOf(accountId: number, list: Note[]): Promise<Map<number, UserSummary>> {
    const ids = [...new Set(list.map((n) => n.user_id).filter((id): id is number => id !== null))];
    if (!ids.length) return new Map();
    const members = await people.usersIn(accountId, ids);
    return new Map(members.map((member) => [member.user._id, toUserSummary(accountId, member)]));
  }

  async function present(accountId: number, list: Note[]): Promise<NotePayload[]> {
    const authors = await authorsOf(accountId, list);
    return list.map((note) => toNotePayload(note, note.user_id === null ? null : (authors.get(note.user_id) ?? null)));
  }

  /** A write conditional on the version read found none to write: the 412 if the note is still there, at another version. */
  async function checkIfMatchAgain(ifVersion: number[], accountId: number, contactId: number, noteId: number): Promise<void> {
    const again = await notes.findOne({ _id: noteId, account_id: accountId, contact_id: contactId }).lean();
    if (again) checkNoteIfMatch(ifVersion, again);
  }

  /** Agents may edit their own notes; administrators any note of the account. */
  function assertMayChange(caller: Caller, note: Note) {
    if (caller.role !== 'administrator' && note.user_id !== caller.userId) {
      throw new ForbiddenError('only the author of a note or an administrator may change it');
    }
  }

  return {
    async create(caller: Caller, contactId: number, input: NoteInput): Promise<VersionedNote> {
      await assertContact(caller.accountId, contactId);
      const [id] = await nextIds('notes');
      const now = new Date();
      const note: Note = {
        _id: id,
        account_id: caller.accountId,
        contact_id: contactId,
        user_id: caller.userId,
        content: input.content,
        created_at: now,
        updated_at: now,
      };
      await notes.create(note);
      // After the note: a crash between the two leaves an unlisted note, never a listed one that is missing.
      await contactNotes.updateOne(
        { _id: String(contactId) },
        { $addToSet: { note_ids: id }, $setOnInsert: { account_id: caller.accountId } },
        { upsert: true },
      );
      if (!(await contacts.exists({ _id: contactId, account_id: caller.accountId, deleted: false }))) {
        // Deleted or merged away since the first check. A merge moves what it finds on the
        // contact after deleting it: the note is kept if it was moved, otherwise it would be
        // listed nowhere, so it is taken back and the write refused.
        const moved = await notes.findById(id).lean();
        if (moved && moved.contact_id !== contactId) return { payload: (await present(caller.accountId, [moved]))[0], version: versionOf(moved) };
        await contactNotes.updateOne({ _id: String(contactId) }, { $pull: { note_ids: id } });
        await notes.deleteOne({ _id: id, contact_id: contactId });
        throw new NotFoundError('contact', contactId);
      }
      return { payload: (await present(caller.accountId, [note]))[0], version: versionOf(note) };
    },

    /**
     * The contact's notes, newest first, a page of NOTES_PAGE at a time: nothing bounds how many
     * notes a contact holds (each up to 50,000 characters), so the list is read and sent in pages
     * (the order comes from the notes' ids and dates alone) rather than held whole. Answers 404
     * before the first note for a contact that is not the account's.
     */
    async listPages(accountId: number, contactId: number): Promise<AsyncIterable<NotePayload[]>> {
      await assertContact(accountId, contactId);
      const ids = (await contactNotes.findById(String(contactId)).lean())?.note_ids ?? [];
      const order: Pick<Note, '_id' | 'account_id' | 'contact_id' | 'created_at'>[] = [];
      for (const chunk of inChunks(ids)) {
        order.push(...(await notes.find({ _id: { $in: chunk } }, { _id: 1, account_id: 1, contact_id: 1, created_at: 1 }).lean()));
      }
      const own = order.filter((n) => n.account_id === accountId && n.contact_id === contactId);
      own.sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || b._id - a._id);
      return (async function* () {
        for (const page of inChunks(own.map((n) => n._id), NOTES_PAGE)) {
          const byId = new Map(((await notes.find({ _id: { $in: page } }).lean()) as Note[]).map((n) => [n._id, n]));
          // A note deleted or moved since the order was read is left out.
          const found = page.map((id) => byId.get(id)).filter((n): n is Note => n !== undefined && n.account_id === accountId && n.contact_id === contactId);
          yield await present(accountId, found);
        }
      })();
    },

    async show(accountId: number, contactId: number, noteId: number): Promise<VersionedNote> {
      await assertContact(accountId, contactId);
      const note = await find(accountId, contactId, noteId);
      return { payload: (await present(accountId, [note]))[0], version: versionOf(note) };
    },

    /**
     * `ifVersion`, from If-Match: written only if the note is still as read (412 otherwise): two
     * users editing one note, the second save wrote over the first's text without a word.
     */
    async update(caller: Caller, contactId: number, noteId: number, input: NoteUpdate, ifVersion?: number[]): Promise<VersionedNote> {
      await assertContact(caller.accountId, contactId);
      const current = await find(caller.accountId, contactId, noteId);
      assertMayChange(caller, current);
      checkNoteIfMatch(ifVersion, current);
      // The author sent back as read must be the note's: a client sending another expects it to
      // change, and no edit changes it (it was dropped without a word).
      if (input.readAuthor !== undefined && input.readAuthor !== current.user_id) {
        const author = current.user_id === null ? 'has no author' : `is by user ${current.user_id}`;
        throw new ValidationError(`user ${input.readAuthor === null ? 'null' : `${input.readAuthor}`} is not the note's author (the note ${author}); a note's author cannot change: send it as answered or leave it out`, 'user');
      }
      // The same text writes nothing, as Rails saves no record without changes: a colleague's Save
      // without an edit moved the version, and the next conditional edit was refused as "changed".
      if (input.content === current.content) return { payload: (await present(caller.accountId, [current]))[0], version: versionOf(current) };
      // Conditional on the version read, so that nothing comes in between; a later time than it, so that the version moves.
      const updated = await notes
        .findOneAndUpdate(
          { _id: noteId, account_id: caller.accountId, contact_id: contactId, ...(ifVersion ? { updated_at: current.updated_at } : {}) },
          { $set: { content: input.content, updated_at: new Date(Math.max(Date.now(), versionOf(current) + 1)) } },
          { new: true },
        )
        .lean();
      if (!updated) {
        if (ifVersion) await checkIfMatchAgain(ifVersion, caller.accountId, contactId, noteId);
        throw new NotFoundError('note', noteId);
      }
      return { payload: (await present(caller.accountId, [updated]))[0], version: versionOf(updated) };
    },

    /**
     * `ifVersion`, from If-Match, as for an edit: a delete made on a stale read would take text
     * another user wrote meanwhile, and cannot be undone. The note goes before its listing: a
     * crash between the two leaves an id naming nothing, which the list skips.
     */
    async remove(caller: Caller, contactId: number, noteId: number, ifVersion?: number[]): Promise<void> {
      await assertContact(caller.accountId, contactId);
      const current = await find(caller.accountId, contactId, noteId);
      assertMayChange(caller, current);
      checkNoteIfMatch(ifVersion, current);
      const res = await notes.deleteOne({ _id: noteId, account_id: caller.accountId, contact_id: contactId, ...(ifVersion ? { updated_at: current.updated_at } : {}) });
      if (!res.deletedCount && ifVersion) await checkIfMatchAgain(ifVersion, caller.accountId, contactId, noteId);
      await contactNotes.updateOne({ _id: String(contactId) }, { $pull: { note_ids: noteId } });
    },

    /** The notes of deleted contacts go with them. */
    async removeForContacts(accountId: number, contactIds: number[]): Promise<void> {
      const lists = await contactNotes.find({ _id: { $in: contactIds.map(String) } }).lean();
      const ids = lists.filter((l) => l.account_id === accountId).flatMap((l) => l.note_ids);
      if (ids.length) await notes.deleteMany({ _id: { $in: ids } });
      if (lists.length) await contactNotes.deleteMany({ _id: { $in: lists.map((l) => l._id) } });
    },

    /** A merge: the mergee's notes become the base's. */
    async moveToContact(accountId: number, fromId: number, toId: number): Promise<void> {
      const list = await contactNotes.findById(String(fromId)).lean();
      if (!list || list.account_id !== accountId) return;
      if (list.note_ids.length) {
        await notes.updateMany({ _id: { $in: list.note_ids } }, { $set: { contact_id: toId } });
        await contactNotes.updateOne(
          { _id: String(toId) },
          { $addToSet: { note_ids: { $each: list.note_ids } }, $setOnInsert: { account_id: accountId } },
          { upsert: true },
        );
        // Only the ids moved: a note listed meanwhile stays for the merge's second pass.
        await contactNotes.updateOne({ _id: String(fromId) }, { $pullAll: { note_ids: list.note_ids } });
      }
      // The list goes only while still empty; one its notes were deleted from is empty already
      // (a merge left those behind for good: soak test).
      await contactNotes.deleteOne({ _id: String(fromId), note_ids: { $size: 0 } });
    },
  };
}

export type NotesService = ReturnType<typeof createNotesService>;

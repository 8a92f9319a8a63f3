import type { ContactChanges } from '../contacts/contact-changes';
import type { Contact } from '../records/contact.model';
import { diffContact } from './diff-contact';
import type { MatchedContacts } from './matched-contacts';
import { cellText, contactRowOf, identityKeys, type Cell, type ParsedRow, type UnfitValue } from './parse-import-row';

/** A data row of the file as read, and what parsing made of it. */
export interface BatchRow {
  row: number;
  cells: Cell[];
  parsed: ParsedRow;
}

/** A row that passed every check of its own: it creates or updates a contact. */
export interface PlannedRow {
  row: number;
  cells: Cell[];
  changes: ContactChanges;
  labels: string[];
  dateKeys?: string[];
}

export interface PlannedUpdate {
  item: PlannedRow;
  id: number;
  /** The contact as read: the update is conditional on its version. */
  contact: Contact;
  set: Record<string, unknown>;
  /** The contact is the one an interrupted attempt created for this row: it counts as created, not updated. */
  createdEarlier: boolean;
}

export interface RejectedRow {
  row: number;
  cells: string[];
  reasons: string[];
  /**
   * Rejected before it claimed its keys (for a custom value its definition refuses, a label the
   * account lacks, keys of two contacts): they are not the file's, and a resume reads this to know it.
   */
  unclaimed?: true;
}

export interface ImportBatchPlan {
  /** Rows that are not empty (what `rows_read` counts). */
  rowsRead: number;
  creates: PlannedRow[];
  updates: PlannedUpdate[];
  /** Rows whose contact already says everything they say. */
  unchanged: number[];
  /** Rows whose contact an interrupted attempt created (their reserved id): counted as created again. */
  createdEarlier: number[];
  /**
   * Those contacts when the row changes nothing in them: indexed again, since the attempt may
   * have died before indexing them (a new contact carries no pending mark).
   */
  reindex: Contact[];
  rejections: RejectedRow[];
  /**
   * Every label the rows that are written name: made sure of right before the write, so that
   * those the account lacks (with `createLabels`) are created, and one renamed or deleted since
   * the plan read it is taken again, not left on contacts without an account label.
   */
  writtenLabels: string[];
}

export interface ImportBatchInput {
  rows: BatchRow[];
  /** The keys of the file's earlier rows; the batch's keys are added to it. */
  seen: { claim(keys: string[]): string | undefined };
  /** Titles of the account's labels (at least those the rows name). */
  knownLabels: ReadonlySet<string>;
  /** Whether labels the account lacks are created (the import's `create_labels`); if not, a row naming one is rejected. */
  createLabels: boolean;
  /** Live contacts of the account that share an identifier, email or phone with a row. */
  existing: Contact[];
  /** Contact ids an interrupted attempt reserved for the rows it created, by row. */
  reserved: ReadonlyMap<number, number>;
  /** What the file's earlier rows matched and replaced; the batch's matches are added to it. */
  matched: MatchedContacts;
}

/** A row matches the contact holding its identifier, else its email, else its phone. */
export const MATCH_FIELDS = ['identifier', 'email', 'phone_number'] as const;

/** Whether the contact holds this value under the key, as the export writes it. */
function holdsAsText(contact: Contact, { key, value }: UnfitValue): boolean {
  const attributes = contact.custom_attributes ?? {};
  if (!Object.hasOwn(attributes, key)) return false;
  const held = attributes[key];
  return (typeof held === 'string' || typeof held === 'number' || typeof held === 'boolean') && String(held).trim() === value;
}

/**
 * Decides what a batch of rows does, without reading or writing anything (apart from adding the
 * rows' keys to `seen`, the file's memory): each row is rejected, creates a contact, updates the
 * contact it matches, or leaves it as it is. Rejections come in the order of the checks: the
 * row's own values, labels the account lacks, keys of two contacts, then earlier rows of the
 * file (the same key, or the contact an earlier row matched). With
 * `createLabels` such labels are no reason: they are among the labels of the written rows (only those of rows
 * that are written), as POST /contacts/{id}/labels does.
 */
export function planImportBatch({ rows, seen, knownLabels, createLabels, existing, reserved, matched }: ImportBatchInput): ImportBatchPlan {
  const rejections: RejectedRow[] = [];
  const reject = (item: { row: number; cells: Cell[] }, reasons: string[], unclaimed?: true) =>
    rejections.push({ row: item.row, cells: item.cells.map(cellText), reasons, ...(unclaimed ? { unclaimed } : {}) });
  const by = {
    identifier: new Map(existing.filter((c) => c.identifier).map((c) => [c.identifier!, c])),
    email: new Map(existing.filter((c) => c.email).map((c) => [c.email!, c])),
    phone_number: new Map(existing.filter((c) => c.phone_number).map((c) => [c.phone_number!, c])),
  };
  // Who holds a key: a contact read for the batch, else the contact an earlier row of the file
  // took it from (the read may come after that row was written, and find the key free).
  const ownerOf = (field: (typeof MATCH_FIELDS)[number], value: string | null | undefined): { id: number; contact?: Contact } | undefined => {
    if (!value) return undefined;
    const contact = by[field].get(value);
    const replaced = matched.replacedOwnerOf(field, value);
    // A contact read before an earlier row of the file took this value off it holds it no longer.
    if (contact && Number(contact._id) !== replaced) return { id: Number(contact._id), contact };
    return replaced === undefined ? undefined : { id: replaced };
  };
  // The contact a row matches: its first key that someone holds decides.
  const matchOf = (changes: ContactChanges) => MATCH_FIELDS.map((field) => ownerOf(field, changes[field])).find((owner) => !!owner);

  // 1. Each row on its own: its values, then its labels. Only a row that passes them and its match
  // (step 2) claims its identifier, email and phone for the file: one rejected for what it says
  // (a bad email, a bad custom value, a label the account lacks) or for keys of two contacts
  // names no one, so a later row for that person is not a second row. The rejected row, fixed
  // and imported again, is matched as any row is.
  let rowsRead = 0;
  const candidates: { item: PlannedRow; own: string[] }[] = [];
  // Said with the row's other faults: a row listed for a bad email alone was rejected again for
  // its label once the email was fixed.
  const lacking = (labels: string[]): string[] => {
    const unknown = createLabels ? [] : labels.filter((title) => !knownLabels.has(title));
    return unknown.length ? [`labels: the account has no label ${unknown.map((t) => `"${t}"`).join(', ')}; create it first, or import with create_labels=true`] : [];
  };
  for (const { row, cells, parsed } of rows) {
    if (parsed.kind === 'empty') continue;
    rowsRead += 1;
    const wanted = contactRowOf(parsed);
    if (!wanted) {
      reject({ row, cells }, parsed.kind === 'rejected' ? [...parsed.errors, ...lacking(parsed.labels ?? [])] : []);
      continue;
    }
    const { changes, labels, dateKeys } = wanted;
    // Values their definition refuses stand only as what the contact the row matches holds
    // already (an export of it); the rest of the row is then taken, and the values left as they are.
    const unfit = parsed.kind === 'rejected' ? (parsed.unlessHeld?.unfit ?? []) : [];
    if (unfit.length) {
      const match = matchOf(changes)?.contact;
      const refused = match ? unfit.filter((u) => !holdsAsText(match, u)) : unfit;
      if (refused.length) {
        reject({ row, cells }, [...refused.map((u) => u.error), ...lacking(labels)], true);
        continue;
      }
    }
    // Held refused values come first, as the row's own faults do, should the row be rejected here.
    const own = unfit.map((u) => u.error);
    const unknown = lacking(labels);
    if (unknown.length) {
      reject({ row, cells }, [...own, ...unknown], true);
      continue;
    }
    candidates.push({ item: { row, cells, changes, labels, dateKeys }, own });
  }

  // 2. Match by identifier, then email, then phone; then earlier rows of the file.
  const creates: PlannedRow[] = [];
  const updates: PlannedUpdate[] = [];
  const unchanged: number[] = [];
  const createdEarlier: number[] = [];
  const reindex: Contact[] = [];
  const secondRow = (id: number) => {
    const earlier = matched.rowOf(id);
    return earlier === undefined ? undefined : `a second row for the same person: row ${earlier} also matches contact ${id}`;
  };
  for (const { item, own } of candidates) {
    const { changes } = item;
    // Each key's holder, looked up once: the first is the match, the others must agree with it.
    const owners = MATCH_FIELDS.map((field) => ({ field, owner: ownerOf(field, changes[field]) }));
    const owner = owners.find((held) => !!held.owner)?.owner;
    const conflicts = owners.flatMap(({ field, owner: other }) => {
      if (!owner?.contact || !other || other.id === owner.id) return [];
      const earlier = matched.rowOf(other.id);
      return earlier === undefined
        ? [`${field} "${changes[field]}" already belongs to contact ${other.id}, not to contact ${owner.id} that the row matches`]
        : [`${field} "${changes[field]}" is contact ${other.id}'s, or was until row ${earlier} of the file changed that contact; one file cannot move it to contact ${owner.id}, which the row matches`];
    });
    if (conflicts.length) {
      // Written by no one: its keys stay free for a later row (a resume reads `unclaimed` to know it).
      reject(item, conflicts, true);
      continue;
    }
    const sameKey = seen.claim(identityKeys(changes));
    if (sameKey) {
      reject(item, [...own, `a second row for the same person: an earlier row of the file has the same ${sameKey}`]);
      continue;
    }
    if (!owner) {
      creates.push(item);
      continue;
    }
    const { id, contact: match } = owner;
    if (!match) {
      // Only a key an earlier row took off the contact leads here: that row matched it. Said so:
      // "a second row for the same person" named a contact that no longer held the value.
      const { field } = owners.find((held) => held.owner === owner)!;
      reject(item, [
        `${field} "${changes[field]}" was contact ${id}'s until row ${matched.rowOf(id)} of the file changed that contact; one file cannot give it to another row (import this row again afterwards)`,
      ]);
      continue;
    }
    const again = secondRow(id);
    if (again) {
      reject(item, [again]);
      continue;
    }
    const replaced = MATCH_FIELDS.flatMap((field) => {
      const held = match[field];
      return held && changes[field] && changes[field] !== held ? [{ field, value: held }] : [];
    });
    matched.record(item.row, id, replaced);
    const set = diffContact(match, changes, item.labels, item.dateKeys);
    // A resumed batch finds the contacts its first attempt created: they count as created.
    const wasReserved = reserved.get(item.row) === id;
    if (wasReserved) createdEarlier.push(item.row);
    if (set) updates.push({ item, id, contact: match, set, createdEarlier: wasReserved });
    else if (wasReserved) reindex.push(match);
    else unchanged.push(item.row);
  }

  // 3. The labels of the rows that are written.
  const named = [...creates, ...updates.map((u) => u.item)].flatMap((item) => item.labels);
  const writtenLabels = [...new Set(named)];

  return { rowsRead, creates, updates, unchanged, createdEarlier, reindex, rejections, writtenLabels };
}

import { toContactChanges, IDENTITY_FIELDS, type ContactChanges } from '../contacts/contact-changes';
import { unneutralise } from '../shared/csv';
import { parseIsoMoment, parseTimestamp } from '../shared/time';
import { contactInputSchema, type ContactInput } from '../contacts/contacts.schemas';
import { ValidationError } from '../shared/errors';
import { labelTitleProblem } from '../shared/label-title';
import { linkProblem, listValueOf, LOSES_DIGITS, numberOfDecimalText } from '../records/custom-attribute-fields';
import type { ColumnPlan, ImportColumn } from './import-columns';
import { labelTitleOf } from '../shared/label-title';
import { trimText } from '../shared/trim-text';
import { controlCharacterProblem } from '../shared/control-characters';
import { railsBoolean } from '../shared/rails-boolean';
import { decimalTextLosesDigits } from '../shared/decimal-text';

/** A cell whose bytes were not valid UTF-8; `text` has the bad bytes replaced by U+FFFD. */
export class InvalidUtf8Cell {
  constructor(readonly text: string) {}
}

export type Cell = string | InvalidUtf8Cell;

export const cellText = (cell: Cell) => (typeof cell === 'string' ? cell : cell.text);

export type ParsedRow =
  | { kind: 'empty' }
  | {
      kind: 'rejected';
      errors: string[];
      /** The row's label titles, when its labels cell was read: the plan tells which the account lacks, beside the errors. */
      labels?: string[];
      /**
       * When every error is a custom value its definition refuses: the row as it stands without
       * them, which planImportBatch takes after all if its contact holds each of them already
       * (stored before the definition changed, and written back by an export).
       */
      unlessHeld?: { row: ContactRow; unfit: UnfitValue[] };
    }
  | ({ kind: 'contact' } & ContactRow);

export interface ContactRow {
  changes: ContactChanges;
  labels: string[];
  /** Custom attributes of the row read as dates (see diffContact). */
  dateKeys?: string[];
}

/** A custom attribute cell its definition refuses, and the reason. */
export interface UnfitValue {
  key: string;
  value: string;
  error: string;
}

// Longest value a custom text attribute takes from a file.
export const MAX_ATTRIBUTE_TEXT = 10000;

// ISO 8601's extended date-time with its zone, as the API answers and the export writes a date
// attribute that was sent so: kept as written (parseTimestamp has read it as a date first).
const EXTENDED_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}([.,]\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/;

// A spreadsheet's words for a checkbox, and every text the API takes for one (Rails' casts).
const TRUE_WORDS = new Set(['yes', 'y']);
const FALSE_WORDS = new Set(['no', 'n']);

function parseBoolean(value: string): boolean | undefined {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  const cast = railsBoolean(word);
  return typeof cast === 'boolean' ? cast : undefined;
}

/**
 * Labels are one cell of titles separated by commas, or by `|` or `;` as some of Chatwoot's sample
 * files and spreadsheet exports write them (no title holds either); titles are stored lowercased.
 */
export function splitLabels(value: string): string[] {
  return [...new Set(value.split(/[,|;]/).map(labelTitleOf).filter(Boolean))];
}

type Converted = { ok: true; value: unknown } | { ok: false; error: string };

/** A cell converted to the type of its attribute's definition (SPEC §5: `250` for a number is 250). */
export function convertAttributeValue(column: Extract<ImportColumn, { kind: 'custom' }>, value: string): Converted {
  const fail = (what: string): Converted => ({ ok: false, error: `${column.key}: "${value}" is not ${what}` });
  switch (column.type) {
    case 'number': {
      // Read as a contact write reads decimal text (numberOfDecimalText), so both take the same cells.
      const number = numberOfDecimalText(value);
      if (typeof number === 'number') return { ok: true, value: number };
      if (decimalTextLosesDigits(value)) {
        return { ok: false, error: `${column.key}: "${value}" ${LOSES_DIGITS}; keep such ids in a text attribute` };
      }
      return fail('a number');
    }
    case 'checkbox': {
      const bool = parseBoolean(value);
      return bool === undefined ? fail('true or false') : { ok: true, value: bool };
    }
    case 'date': {
      const date = parseTimestamp(value);
      if (!date) return fail('a date (ISO 8601 or Unix seconds)');
      // A calendar date stays one (`2025-03-15`), and a date-time as the export writes what the API
      // keeps (`2026-03-03T10:20:30Z`, an offset) stays as written, as the API keeps what it is
      // sent: an export imported into another account holds the same texts. Any other form
      // (Rails' `… UTC`, ISO 8601's basic or week forms, Unix seconds) is the ISO 8601 instant it names.
      if (EXTENDED_DATE_TIME.test(value)) return { ok: true, value };
      return { ok: true, value: parseIsoMoment(value)?.day ? date.toISOString().slice(0, 10) : date.toISOString() };
    }
    case 'list': {
      const match = listValueOf(column.values, value);
      return match === undefined ? fail(`one of ${column.values.map((v) => `"${v}"`).join(', ')}`) : { ok: true, value: match };
    }
    default: {
      if (controlCharacterProblem(value)) return { ok: false, error: `${column.key}: ${JSON.stringify(value)} ${controlCharacterProblem(value)}` };
      const notLink = column.type === 'link' ? linkProblem(value) : undefined;
      if (notLink) return { ok: false, error: `${column.key}: "${value}" is not a web address: ${notLink}` };
      if (value.length > MAX_ATTRIBUTE_TEXT) return { ok: false, error: `${column.key}: the value is longer than ${MAX_ATTRIBUTE_TEXT} characters` };
      return { ok: true, value };
    }
  }
}

function changesOrErrors(input: ContactInput): { changes?: ContactChanges; errors: string[] } {
  const errors: string[] = [];
  const shape = contactInputSchema.safeParse(input);
  if (!shape.success) {
    for (const issue of shape.error.issues) errors.push(`${issue.path.join('.')}: ${issue.message}`);
    return { errors };
  }
  try {
    return { changes: toContactChanges(input), errors };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
  }
  // toContactChanges stops at the first problem; ask field by field to report them all.
  for (const [field, value] of Object.entries(input)) {
    try {
      toContactChanges({ [field]: value });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      errors.push(err.message);
    }
  }
  return { errors };
}

/**
 * One data row of an import → the contact changes it asks for, or every reason it cannot be
 * used. An empty cell leaves the field as it is (it never clears a value).
 */
export function parseImportRow(cells: Cell[], plan: ColumnPlan): ParsedRow {
  if (cells.every((cell) => trimText(cellText(cell)) === '')) return { kind: 'empty' };
  const width = plan.columns.length;
  // A longer row's extra values have no column to go to: they would be lost. Extra cells left
  // empty lose nothing (a trailing comma, as spreadsheets and hand edits leave; Ruby's CSV, and so
  // Chatwoot, reads such a row). A shorter row is one whose trailing empty cells were left out
  // (hand-written files, exporters that trim): its missing cells are empty.
  if (cells.length > width && cells.slice(width).some((cell) => trimText(cellText(cell)) !== '')) {
    return { kind: 'rejected', errors: [`the row has ${cells.length} fields, the header has ${width}`] };
  }

  const errors: string[] = [];
  const input: ContactInput = {};
  // Without a prototype: a key such as "__proto__" stays a key (and is refused by name) instead of
  // replacing the object's prototype and losing the value.
  const additional: Record<string, unknown> = Object.create(null);
  const custom: Record<string, unknown> = Object.create(null);
  let labels: string[] = [];
  const dateKeys: string[] = [];
  const unfit: UnfitValue[] = [];

  for (const [index, column] of plan.columns.entries()) {
    const cell = cells[index] ?? '';
    const name = column.header || `column ${index + 1}`;
    if (cell instanceof InvalidUtf8Cell) {
      errors.push(`${name}: the value is not valid UTF-8 (save the file as "CSV UTF-8": a file in Latin-1 or Windows-1252 gives this for each accented letter)`);
      continue;
    }
    const value = unneutralise(trimText(cell));
    if (!value) continue;

    if (column.kind === 'ignored') continue;
    if (column.kind === 'unnamed') {
      errors.push(`column ${index + 1} has a value but no name in the header`);
      continue;
    }
    if (column.kind === 'custom') {
      const converted = convertAttributeValue(column, value);
      if (converted.ok) {
        custom[column.key] = converted.value;
        if (column.type === 'date') dateKeys.push(column.key);
      } else {
        errors.push(converted.error);
        unfit.push({ key: column.key, value, error: converted.error });
      }
      continue;
    }
    switch (column.field) {
      case 'id':
      case 'errors':
        break;
      case 'labels': {
        // A title that cannot be a label rejects the row. The good titles are kept even then: the
        // plan names the ones the account lacks beside it, so the fixed row is not rejected again.
        const titles = splitLabels(value);
        const problems = titles.flatMap((title) => labelTitleProblem(title) ?? []);
        if (problems.length) errors.push(`labels: ${problems.join('; ')}`);
        labels = titles.filter((title) => !labelTitleProblem(title));
        break;
      }
      case 'ip_address':
        if (value.length > 255) errors.push('ip_address: must be at most 255 characters');
        else additional.ip_address = value;
        break;
      case 'blocked': {
        const blocked = parseBoolean(value);
        if (blocked === undefined) errors.push(`blocked: "${value}" is not true or false`);
        else input.blocked = blocked;
        break;
      }
      default:
        input[column.field] = value;
    }
  }
  if (Object.keys(additional).length) input.additional_attributes = additional;
  if (Object.keys(custom).length) input.custom_attributes = custom;

  const { changes, errors: fieldErrors } = changesOrErrors(input);
  errors.push(...fieldErrors);
  const named = labels.length ? { labels } : {};
  if (errors.length > unfit.length || !changes) return { kind: 'rejected', errors, ...named };
  if (!IDENTITY_FIELDS.some((field) => changes[field])) {
    return { kind: 'rejected', errors: errors.length ? errors : ['a contact needs at least one of name, email, phone_number or identifier'], ...named };
  }
  const row: ContactRow = { changes, labels, ...(dateKeys.length ? { dateKeys } : {}) };
  return unfit.length ? { kind: 'rejected', errors, unlessHeld: { row, unfit } } : { kind: 'contact', ...row };
}

/** What a row would write, if it is let through: a contact row, or one rejected unless its contact holds its refused values. */
export function contactRowOf(parsed: ParsedRow): ContactRow | undefined {
  if (parsed.kind === 'contact') return parsed;
  return parsed.kind === 'rejected' ? parsed.unlessHeld?.row : undefined;
}

/** The label titles a row names, whether or not it is let through. */
export function labelsOf(parsed: ParsedRow): string[] {
  if (parsed.kind === 'contact') return parsed.labels;
  return parsed.kind === 'rejected' ? (parsed.unlessHeld?.row.labels ?? parsed.labels ?? []) : [];
}

/** The keys that say two rows are the same person: identifier, email, phone. */
export function identityKeys(changes: ContactChanges): string[] {
  const keys: string[] = [];
  if (changes.identifier) keys.push(`identifier ${changes.identifier}`);
  if (changes.email) keys.push(`email ${changes.email}`);
  if (changes.phone_number) keys.push(`phone_number ${changes.phone_number}`);
  return keys;
}

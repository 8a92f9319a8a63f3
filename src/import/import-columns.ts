import { attributeKeyOf, checkAttributeKey, machineryKeyProblem } from '../records/contact-fields';
import { unneutralise } from '../shared/csv';
import type { AttributeType } from '../records/custom-attribute-definition.model';
import { trimText } from '../shared/trim-text';
import { reservedKeyOf } from '../records/custom-attribute-fields';

// Chatwoot's sample columns plus the ones SPEC §5 adds. `id` is read and ignored: ids belong to
// this service, and another system's id would point at the wrong contact. `errors` is ignored
// too: it is the column the rejected-rows download adds, so a fixed download can go back in.
export const STANDARD_COLUMNS = [
  'id',
  'errors',
  'name',
  'email',
  'identifier',
  'phone_number',
  'labels',
  'ip_address',
  'company_name',
  'city',
  'country',
  'country_code',
  'description',
  'blocked',
  'created_at',
  'last_activity_at',
] as const;
export type StandardColumn = (typeof STANDARD_COLUMNS)[number];

// Another name Chatwoot's importer reads a standard column by: its sample file (spec/assets/
// contacts.csv) heads the company `company`, which it stores as `company_name`. Read so unless
// the account defines a custom attribute `company`, as a filter reads the key (README, Filters):
// it became a new custom attribute, and the company was missing from sorts and filters.
const COLUMN_ALIASES: Readonly<Record<string, StandardColumn>> = { company: 'company_name' };

export interface DefinitionInfo {
  attribute_key: string;
  attribute_display_type: AttributeType;
  attribute_values?: string[];
}

export type ImportColumn =
  | { kind: 'standard'; field: StandardColumn; header: string }
  | { kind: 'custom'; key: string; type: AttributeType; values: string[]; header: string }
  | { kind: 'ignored'; header: string }
  | { kind: 'unnamed'; header: string };

export interface ColumnPlan {
  columns: ImportColumn[];
  /** Custom attribute keys that have no definition yet (created as text before the rows run). */
  undefinedKeys: string[];
}

export type PlanResult = { ok: true; plan: ColumnPlan } | { ok: false; error: string };

const BOM = '\uFEFF';

/**
 * A line with nothing on it (spaces at most, and the BOM when it is the file's first). Such lines
 * before the header are skipped: read as the header, one failed the whole import ("the file has
 * no header line"). Empty cells between commas are not a blank line but a header without names.
 */
export function isBlankLine(cells: string[]): boolean {
  return cells.length === 0 || (cells.length === 1 && cells[0].replace(BOM, '').trim() === '');
}

/**
 * The separator a file's first line names when it is Excel's directive (`sep=,`, which Excel
 * writes and reads to pick the delimiter), else undefined. Read as the header, `sep=` became a
 * custom attribute defined for good and every row was rejected for "a value but no name".
 */
export function excelSeparatorOf(cells: string[]): string | undefined {
  return /^sep=(.)$/is.exec(cells.join(',').replace(BOM, ''))?.[1];
}

/**
 * A header read from a file that is not comma-separated: it would become one custom attribute
 * named after the whole line ("name;email") and every row would be rejected for a reason that
 * hides the cause. A line break left in a header cell was quoted there (line ends outside quotes
 * are read as such, CR alone too: lenient-quotes.ts): no column name holds one.
 */
function checkSeparators(cells: string[], isDefinedKey: (cell: string) => boolean): string | undefined {
  // A key may hold a line break (the definitions route takes one), and the export writes it so: such a column is that key.
  const broken = cells.find((cell) => /[\r\n]/.test(cell) && !isDefinedKey(cell));
  if (broken !== undefined) {
    return `the header cell ${JSON.stringify(broken.slice(0, 60))} holds a line break inside its quotes: a column name is one line`;
  }
  if (cells.length !== 1) return undefined;
  const other = cells[0].includes(';') ? 'semicolons (;)' : cells[0].includes('\t') ? 'tabs' : undefined;
  if (!other) return undefined;
  return `the header line has no comma but has ${other}: the file must be comma-separated; save it again as CSV with "," between fields`;
}

/** A header cell as a column name. A heading the export neutralised (a key that starts like a formula, `'@handle`) is read back as its cells are. */
const columnNameOf = (cell: string, index: number) => attributeKeyOf(unneutralise(trimText(withoutBom(cell, index))));

const withoutBom = (cell: string, index: number) => (index === 0 && cell.startsWith(BOM) ? cell.slice(1) : cell);

/**
 * Columns of a contact that an import cannot write, in any case: the fields the service keeps
 * itself or only answers (`updated_at`, `thumbnail`, `last_seen_at`, `additional_attributes`…),
 * which a file exported by Chatwoot may carry. They are read and ignored, as `id` and `errors`;
 * they failed the whole import as keys no custom attribute may have.
 */
const isUnwritable = (lower: string) => !(STANDARD_COLUMNS as readonly string[]).includes(lower) && reservedKeyOf(lower) !== undefined;

/** The header's columns that the import reads and does not write, as the file names them (its answer's `ignored_columns`). */
export function ignoredColumnsOf(headerCells: string[]): string[] {
  return headerCells.map(columnNameOf).filter((name) => ['id', 'errors'].includes(name.toLowerCase()) || isUnwritable(name.toLowerCase()));
}

/**
 * Reads the header line: standard columns are matched case-insensitively, every other column
 * is a custom attribute (matched to its definition case-insensitively too). A header that
 * cannot be read right fails the whole import rather than mis-assigning every row.
 */
export function planImportColumns(headerCells: string[], definitions: DefinitionInfo[]): PlanResult {
  const cells = headerCells.map(columnNameOf);
  if (!cells.some((cell) => cell.length)) return { ok: false, error: 'the file has no header line' };
  // An exact key first: two definitions may differ only in case (an API write may define `tier`
  // beside an imported `Tier`), and each is then its own column, as the export writes them.
  // Otherwise the first defined, as the export reads a column name.
  const exactKey = new Map(definitions.map((d) => [d.attribute_key, d]));
  const notCommaSeparated = checkSeparators(cells, (cell) => exactKey.has(cell));
  if (notCommaSeparated) return { ok: false, error: notCommaSeparated };

  const byKey = new Map<string, DefinitionInfo>();
  for (const d of definitions) if (!byKey.has(d.attribute_key.toLowerCase())) byKey.set(d.attribute_key.toLowerCase(), d);
  // Columns by what they write to: a standard field, a definition's key, or a new key (by its lowercase).
  const seen = new Map<string, number>();
  const columnHeaders: string[] = [];
  const columns: ImportColumn[] = [];
  const undefinedKeys: string[] = [];

  for (const [index, trimmed] of cells.entries()) {
    // A key with spaces at an end (" region", which writes keep as sent) is its column as the export writes it.
    const untrimmed = attributeKeyOf(unneutralise(withoutBom(headerCells[index], index)));
    const header = untrimmed !== trimmed && exactKey.has(untrimmed) ? untrimmed : trimmed;
    if (!header) {
      columns.push({ kind: 'unnamed', header });
      continue;
    }
    const lower = header.toLowerCase();
    if (isUnwritable(lower)) {
      columns.push({ kind: 'ignored', header });
      continue;
    }
    const definition = exactKey.get(header) ?? byKey.get(lower);
    const field = (STANDARD_COLUMNS as readonly string[]).includes(lower)
      ? (lower as StandardColumn)
      : Object.hasOwn(COLUMN_ALIASES, lower) && !definition
        ? COLUMN_ALIASES[lower]
        : undefined;
    const target = field ? `standard:${field}` : definition ? `defined:${definition.attribute_key}` : `new:${lower}`;
    const earlier = seen.get(target);
    // Ignored, so harmless twice: a rejected-rows download used to add `errors` beside the file's own.
    if (earlier !== undefined && target !== 'standard:errors') {
      const other = columnHeaders[earlier];
      const error =
        other.toLowerCase() === lower
          ? `the header names column "${header}" twice (columns ${earlier + 1} and ${index + 1})`
          : `the header has two columns for ${field}: "${other}" (column ${earlier + 1}) and "${header}" (column ${index + 1}), read as ${field} as Chatwoot reads it`;
      return { ok: false, error };
    }
    seen.set(target, index);
    columnHeaders[index] = header;

    if (field) {
      columns.push({ kind: 'standard', field, header });
      continue;
    }
    const key = definition?.attribute_key ?? header;
    const problem = checkAttributeKey(key) ?? machineryKeyProblem(key);
    if (problem) return { ok: false, error: `column ${index + 1}: ${problem}` };
    if (!definition) undefinedKeys.push(key);
    columns.push({
      kind: 'custom',
      key,
      type: definition?.attribute_display_type ?? 'text',
      values: definition?.attribute_values ?? [],
      header,
    });
  }
  return { ok: true, plan: { columns, undefinedKeys } };
}

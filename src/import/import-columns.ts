import { checkAttributeKey, machineryKeyProblem } from '../records/contact-fields';
import type { AttributeType } from '../records/custom-attribute-definition.model';

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

export interface DefinitionInfo {
  attribute_key: string;
  attribute_display_type: AttributeType;
  attribute_values?: string[];
}

export type ImportColumn =
  | { kind: 'standard'; field: StandardColumn; header: string }
  | { kind: 'custom'; key: string; type: AttributeType; values: string[]; header: string }
  | { kind: 'unnamed'; header: string };

export interface ColumnPlan {
  columns: ImportColumn[];
  /** Custom attribute keys that have no definition yet (created as text before the rows run). */
  undefinedKeys: string[];
}

export type PlanResult = { ok: true; plan: ColumnPlan } | { ok: false; error: string };

const BOM = '\uFEFF';

/**
 * Reads the header line: standard columns are matched case-insensitively, every other column
 * is a custom attribute (matched to its definition case-insensitively too). A header that
 * cannot be read right fails the whole import rather than mis-assigning every row.
 */
export function planImportColumns(headerCells: string[], definitions: DefinitionInfo[]): PlanResult {
  const cells = headerCells.map((cell, i) => (i === 0 && cell.startsWith(BOM) ? cell.slice(1) : cell).trim());
  if (!cells.some((cell) => cell.length)) return { ok: false, error: 'the file has no header line' };

  const byKey = new Map(definitions.map((d) => [d.attribute_key.toLowerCase(), d]));
  const seen = new Map<string, number>();
  const columns: ImportColumn[] = [];
  const undefinedKeys: string[] = [];

  for (const [index, header] of cells.entries()) {
    if (!header) {
      columns.push({ kind: 'unnamed', header });
      continue;
    }
    const lower = header.toLowerCase();
    const earlier = seen.get(lower);
    if (earlier !== undefined) {
      return { ok: false, error: `the header names column "${header}" twice (columns ${earlier + 1} and ${index + 1})` };
    }
    seen.set(lower, index);

    if ((STANDARD_COLUMNS as readonly string[]).includes(lower)) {
      columns.push({ kind: 'standard', field: lower as StandardColumn, header });
      continue;
    }
    const definition = byKey.get(lower);
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

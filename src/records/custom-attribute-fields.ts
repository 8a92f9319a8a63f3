import { foldText, asciiPunctuation } from '../shared/text';
import { parseTimestamp } from '../shared/time';
import { trimText } from '../shared/trim-text';
import { railsBoolean } from '../shared/rails-boolean';
import type { AttributeType, CustomAttributeDefinition } from './custom-attribute-definition.model';
import { controlCharacterProblem } from '../shared/control-characters';
import { decimalTextLosesDigits } from '../shared/decimal-text';

// Custom attributes of every account share one index. Instead of one mapped field per key
// (which grows the mapping with every account's keys until Elasticsearch refuses), the mapping
// holds a fixed pool of typed fields, cf_<pool>_1..MAX_SLOTS, and each definition owns one slot
// number in its account: its values live in cf_<pool>_<slot>. Slots are unique per account
// across pools, so a definition could change pool without colliding.
export const MAX_SLOTS = 100;

export type SlotPool = 'text' | 'num' | 'date' | 'bool';

const POOL_BY_TYPE: Record<AttributeType, SlotPool> = {
  text: 'text',
  link: 'text',
  list: 'text',
  number: 'num',
  date: 'date',
  checkbox: 'bool',
};

/** The parts of a definition that searching and indexing need. */
export type DefinitionRef = Pick<CustomAttributeDefinition, 'attribute_key' | 'attribute_display_type' | 'attribute_values' | 'slot'>;

// Standard contact fields (API names and filter keys) and the CSV's own columns (`ip_address`, and
// `errors` of the rejected-rows download): a custom key may not shadow them in any case, since an
// import header and an export column name are matched case-insensitively (a custom `City` was
// exported and imported as the standard city, its own values lost).
export const RESERVED_KEYS = new Set([
  'ip_address',
  'errors',
  'id',
  'name',
  'email',
  'phone_number',
  'identifier',
  'thumbnail',
  'avatar_url',
  'blocked',
  'company_name',
  'city',
  'country',
  'country_code',
  'description',
  'labels',
  'created_at',
  'last_activity_at',
  'last_seen_at',
  'availability_status',
  'updated_at',
  'additional_attributes',
  'custom_attributes',
]);

/** The standard field a key names, in any case; undefined for a key free to be a custom attribute's. */
export const reservedKeyOf = (key: string): string | undefined => (RESERVED_KEYS.has(key.toLowerCase()) ? key.toLowerCase() : undefined);

export const poolOf = (type: AttributeType): SlotPool => POOL_BY_TYPE[type];

export const searchFieldOf = (def: Pick<DefinitionRef, 'attribute_display_type' | 'slot'>) => `cf_${poolOf(def.attribute_display_type)}_${def.slot}`;

/** What a custom attribute key written without a definition gets (SPEC §2). */
export function typeForValue(value: unknown): AttributeType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'checkbox';
  return 'text';
}

// Lucene refuses terms over 32 KB; long texts are cut where they are indexed (a filter refuses longer values).
export const MAX_INDEXED_TEXT = 1000;

// Trimmed as text fields are (zero-width characters at the edges too): a value of only zero-width
// spaces was present to is_present and sorted before every real value, where an empty one is absent.
export const foldForIndex = (value: string) => foldText(trimText(value)).slice(0, MAX_INDEXED_TEXT);

// Schemes whose link runs script in the page that shows it (Chatwoot's dashboard renders a link
// attribute as <a href>).
const SCRIPT_URL = /^(?:javascript|vbscript|data):/i;

/** Whether a link value would run script when shown as a link (the API and the import refuse it). */
export const isScriptUrl = (value: string): boolean => SCRIPT_URL.test(asBrowsersReadUrl(value));

// A web address without a scheme, as people type one: a host of dot-separated labels (letters of
// any script, digits, hyphens), an optional port, then a path, query or fragment.
const BARE_ADDRESS = /^[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+(?::\d+)?(?:[/?#]\S*)?$/u;

/**
 * Why a link value is not a link, or undefined: a URL with a scheme (`https://…`, `mailto:…`) or a
 * bare web address (`www.example.com`, `example.com/x`), with no spaces. Chatwoot's dashboard
 * checks a link attribute as a URL before it saves; any text was taken here ("not a url").
 * Empty is no value. A script URL is refused whatever its form (isScriptUrl).
 */
export function linkProblem(value: string): string | undefined {
  if (isScriptUrl(value)) return 'a javascript:, vbscript: or data: URL would run script where it is shown as a link';
  const link = value.trim();
  if (!link) return undefined;
  const isUrl = /^[a-z][a-z0-9+.-]*:\S+$/i.test(link) && URL.canParse(link);
  return isUrl || BARE_ADDRESS.test(link) ? undefined : 'a link takes a web address (https://example.com, www.example.com) or another URL (mailto:…), without spaces';
}

/** A URL as a browser reads its scheme: leading controls and spaces dropped, tabs and line breaks removed anywhere. */
function asBrowsersReadUrl(value: string): string {
  let start = 0;
  while (start < value.length && value.charCodeAt(start) <= 0x20) start += 1;
  return value.slice(start).replace(/[\t\n\r]/g, '');
}

// Decimal text, as a number input holds it and a spreadsheet or the export writes it: digits with an
// optional sign, fraction and exponent (`1e3`, `.5`, `1e+21`), spaces around. Writes and filters
// took only `-?\d+(\.\d+)?` while the import took this, so one value had two answers.
const DECIMAL_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * The number that decimal text (`"11"`, `" -2.5 "`, `"1e3"`) writes, as writes, filters and the
 * import read a number given as text; else the value as given. Decimal text a number would change
 * (decimalTextLosesDigits) or past a double's range is left as text, for the number attribute to refuse.
 */
export function numberOfDecimalText(value: unknown): unknown {
  if (typeof value !== 'string' || !DECIMAL_TEXT.test(value) || decimalTextLosesDigits(value)) return value;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

/** What a number attribute says of decimal text decimalTextLosesDigits refuses (writes, filters, import cells). */
export const LOSES_DIGITS = 'has more digits than a number attribute keeps exactly (a double: every whole number up to 9007199254740991, past it only some)';

// A list value typed another way: compatibility characters as what they stand for (fullwidth Ｐｒｏ
// from a Japanese or Chinese input method) and typographic punctuation as ASCII (O’Hare from iOS
// smart punctuation), case aside. Accents stay: `Andalucia` is not `Andalucía`.
const typedVariant = (value: string) => asciiPunctuation(value.normalize('NFKC')).toLowerCase();

/**
 * The list's own value that a text names: itself, its composed (NFC) spelling — a value typed
 * decomposed, as macOS may send it, looks the same and is the same text — the same letters in
 * another case (as an import cell has always been read), or the same text typed with fullwidth
 * letters or typographic punctuation. Undefined when it names none.
 */
export function listValueOf(values: string[], value: string): string | undefined {
  const composed = value.normalize('NFC');
  const lower = composed.toLowerCase();
  const typed = typedVariant(value);
  return values.find((allowed) => allowed === value)
    ?? values.find((allowed) => allowed.normalize('NFC') === composed)
    ?? values.find((allowed) => allowed.normalize('NFC').toLowerCase() === lower)
    ?? values.find((allowed) => typedVariant(allowed) === typed);
}

/**
 * Two of a list's values that writes and filters cannot tell apart (`Silver` and `silver`, `O'Hare`
 * and `O’Hare`): listValueOf reads either as the first, and filters fold case. Undefined when none.
 */
export function listValueClash(values: string[]): [string, string] | undefined {
  const seen = new Map<string, string>();
  for (const value of listValuesOf(values)) {
    const earlier = seen.get(typedVariant(value));
    if (earlier !== undefined) return [earlier, value];
    seen.set(typedVariant(value), value);
  }
  return undefined;
}

/** A definition's list values as stored: composed (NFC), each once. */
export const listValuesOf = (values: string[]): string[] => [...new Set(values.map((value) => value.normalize('NFC')))];

/**
 * The value as its definition stores it: decimal text for a number attribute is that number, and
 * a list's value as the list spells it (listValueOf: `gold` for `Gold`, as the import reads it and
 * filters match it). Chatwoot's dashboard edits a number attribute in a text input and sends what
 * it holds (`"11"`); the filter and the import read such text the same way. Anything else is left
 * for checkCustomValue.
 */
export function coerceCustomValue(def: DefinitionRef, value: unknown): unknown {
  if (def.attribute_display_type === 'number') return numberOfDecimalText(value);
  if (def.attribute_display_type === 'checkbox') return railsBoolean(value);
  if (def.attribute_display_type === 'list' && typeof value === 'string') return listValueOf(def.attribute_values, value) ?? value;
  return value;
}

/** Why a value does not fit its definition's type, or undefined when it does. Null clears a value. */
export function checkCustomValue(def: DefinitionRef, value: unknown): string | undefined {
  if (value === null) return undefined;
  const key = def.attribute_key;
  const control = typeof value === 'string' && poolOf(def.attribute_display_type) === 'text' ? controlCharacterProblem(value) : undefined;
  if (control) return `custom attribute "${key}": ${JSON.stringify(value)} ${control}`;
  switch (def.attribute_display_type) {
    case 'number':
      if (typeof value === 'string' && decimalTextLosesDigits(value)) {
        return `custom attribute "${key}": ${JSON.stringify(value)} ${LOSES_DIGITS}; keep such ids in a text attribute`;
      }
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `custom attribute "${key}" is a number attribute; got ${JSON.stringify(value)}`;
    case 'checkbox':
      return typeof value === 'boolean' ? undefined : `custom attribute "${key}" is a checkbox attribute and takes true or false; got ${JSON.stringify(value)}`;
    case 'date':
      return (typeof value === 'string' || typeof value === 'number') && parseTimestamp(value)
        ? undefined
        : `custom attribute "${key}" is a date attribute and takes an ISO 8601 date or Unix seconds; got ${JSON.stringify(value)}`;
    case 'list':
      if (typeof value !== 'string') return `custom attribute "${key}" is a list attribute and takes one of its values; got ${JSON.stringify(value)}`;
      if (def.attribute_values.length && !def.attribute_values.includes(value)) {
        return `custom attribute "${key}" takes one of ${def.attribute_values.map((v) => JSON.stringify(v)).join(', ')}; got ${JSON.stringify(value)}`;
      }
      return undefined;
    case 'link': {
      if (typeof value !== 'string') return `custom attribute "${key}" is a link attribute and takes a string; got ${JSON.stringify(value)}`;
      const problem = linkProblem(value);
      return problem ? `custom attribute "${key}" is a link attribute: ${problem}; got ${JSON.stringify(value)}` : undefined;
    }
    case 'text':
      return typeof value === 'string' ? undefined : `custom attribute "${key}" is a ${def.attribute_display_type} attribute and takes a string; got ${JSON.stringify(value)}`;
  }
}

/** The value as its pool field indexes it; undefined when absent or not of the definition's type. */
export function toIndexValue(def: DefinitionRef, value: unknown): string | number | boolean | undefined {
  if (value === null || value === undefined) return undefined;
  // A value stored under an earlier definition of the key with another type is indexed when it
  // converts cleanly (5 as the text "5", "5" as the number 5, "true" as the checkbox's true):
  // otherwise a key defined again with another type hid from filters every value its contacts
  // still show, with a 200.
  switch (poolOf(def.attribute_display_type)) {
    case 'num': {
      const number = numberOfDecimalText(value);
      return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
    }
    case 'bool': {
      // As a checkbox write reads a value (1, "on", "f"…): only "true" and "false" were indexed, so
      // the same value found by filters or not depending on when it was written.
      const bool = railsBoolean(value);
      return typeof bool === 'boolean' ? bool : undefined;
    }
    case 'date': {
      if (typeof value !== 'string' && typeof value !== 'number') return undefined;
      return parseTimestamp(value)?.getTime();
    }
    case 'text': {
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'boolean') return String(value);
      if (typeof value !== 'string') return undefined;
      const text = foldForIndex(value);
      return text.length ? text : undefined;
    }
  }
}

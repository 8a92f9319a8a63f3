// The filter payload the API takes (POST /contacts/filter, segments), and which operators and
// value inputs each attribute allows. The table mirrors the API's allowlist
// (src/search/build-segment-query.ts); test/console/filter-operators.test.ts keeps them equal.

export type QueryOperator = 'and' | 'or';

export interface FilterCondition {
  attribute_key: string;
  filter_operator: string;
  values: (string | number | boolean)[];
  query_operator?: QueryOperator;
}

/** Parentheses: its items may be groups too (SPEC §3.1), as deep as the API allows. */
export interface FilterGroup {
  group: FilterItem[];
  query_operator?: QueryOperator;
}

export type FilterItem = FilterCondition | FilterGroup;

export const isGroup = (item: FilterItem): item is FilterGroup => 'group' in item;

/**
 * Whether a stored filter names the attribute `key`, in a group at any depth too. Read from a
 * segment's stored payload, which may be anything the API took: what is not a condition or a
 * group is skipped.
 */
export function payloadUses(payload: unknown, key: string): boolean {
  if (!Array.isArray(payload)) return false;
  return payload.some((item: unknown) => {
    if (!item || typeof item !== 'object') return false;
    if ('group' in item) return payloadUses((item as { group: unknown }).group, key);
    return (item as { attribute_key?: unknown }).attribute_key === key;
  });
}

/** How deep groups nest: the API's MAX_GROUP_DEPTH (src/search/build-segment-query.ts; the unit test keeps them equal). */
export const MAX_GROUP_DEPTH = 5;

/**
 * Whether a filter from a link has the shape the builder shows: a list of objects, a group's
 * `group` a list of the same. Anything else (`[5]`, `{"group": "x"}`) is a link that cannot be
 * read, said so over all contacts; what is wrong inside a condition is the API's to say.
 */
export function isFilterShape(items: unknown): items is FilterItem[] {
  return (
    Array.isArray(items) &&
    items.every((item) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
      return 'group' in item ? isFilterShape((item as { group: unknown }).group) : true;
    })
  );
}

export type ValueInput = 'text' | 'number' | 'date' | 'boolean' | 'list' | 'labels' | 'none';

const TEXT_OPS = ['equal_to', 'not_equal_to', 'contains', 'does_not_contain', 'starts_with', 'is_present', 'is_not_present'];
const EXACT_OPS = ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'];
const DATE_OPS = ['is_greater_than', 'is_less_than', 'days_before', 'is_present', 'is_not_present'];
const BOOLEAN_OPS = ['equal_to', 'not_equal_to'];
const NUMBER_OPS = ['equal_to', 'not_equal_to', 'is_greater_than', 'is_less_than', 'is_present', 'is_not_present'];
const CUSTOM_DATE_OPS = ['equal_to', 'is_greater_than', 'is_less_than', 'days_before', 'is_present', 'is_not_present'];

export interface AttributeChoice {
  key: string;
  /** A message key for standard attributes, the display name for custom ones. */
  label: string;
  custom: boolean;
  operators: string[];
  input: ValueInput;
  /** The values of a list attribute. */
  values?: string[];
}

export const STANDARD_FILTER_ATTRIBUTES: Omit<AttributeChoice, 'label' | 'custom'>[] = [
  { key: 'name', operators: TEXT_OPS, input: 'text' },
  { key: 'email', operators: TEXT_OPS, input: 'text' },
  { key: 'phone_number', operators: TEXT_OPS, input: 'text' },
  { key: 'identifier', operators: EXACT_OPS, input: 'text' },
  { key: 'company_name', operators: TEXT_OPS, input: 'text' },
  { key: 'city', operators: TEXT_OPS, input: 'text' },
  { key: 'country', operators: TEXT_OPS, input: 'text' },
  { key: 'country_code', operators: EXACT_OPS, input: 'text' },
  { key: 'labels', operators: EXACT_OPS, input: 'labels' },
  { key: 'created_at', operators: DATE_OPS, input: 'date' },
  { key: 'last_activity_at', operators: DATE_OPS, input: 'date' },
  { key: 'last_seen_at', operators: DATE_OPS, input: 'date' },
  { key: 'blocked', operators: BOOLEAN_OPS, input: 'boolean' },
  ...['facebook', 'twitter', 'linkedin', 'github', 'instagram'].map((network) => ({ key: `social_profiles.${network}`, operators: TEXT_OPS, input: 'text' as const })),
];

export const CUSTOM_FILTER_TYPES: Record<string, { operators: string[]; input: ValueInput }> = {
  text: { operators: TEXT_OPS, input: 'text' },
  link: { operators: TEXT_OPS, input: 'text' },
  list: { operators: TEXT_OPS, input: 'list' },
  number: { operators: NUMBER_OPS, input: 'number' },
  date: { operators: CUSTOM_DATE_OPS, input: 'date' },
  checkbox: { operators: BOOLEAN_OPS, input: 'boolean' },
};

/** The value input an operator needs on an attribute: none for presence, a number of days for days_before. */
export function inputFor(attribute: AttributeChoice, operator: string): ValueInput {
  if (operator === 'is_present' || operator === 'is_not_present') return 'none';
  if (operator === 'days_before') return 'number';
  // Part of a list value is typed: the list's values alone could not be a part (a black-box read).
  if (attribute.input === 'list' && (operator === 'contains' || operator === 'does_not_contain' || operator === 'starts_with')) return 'text';
  return attribute.input;
}

/**
 * Operator names as the API spells them, shown readably: in English in the spec's and Chatwoot's
 * words (`equal to`, `is greater than`, `days before`), which a user of either looks for (it read
 * "is", "is after" and "is more than N days ago").
 */
export const OPERATOR_LABELS: Record<string, { en: string; es: string }> = {
  equal_to: { en: 'equal to', es: 'es' },
  not_equal_to: { en: 'not equal to', es: 'no es' },
  contains: { en: 'contains', es: 'contiene' },
  does_not_contain: { en: 'does not contain', es: 'no contiene' },
  starts_with: { en: 'starts with', es: 'empieza por' },
  is_present: { en: 'is present', es: 'tiene valor' },
  is_not_present: { en: 'is not present', es: 'no tiene valor' },
  is_greater_than: { en: 'is greater than', es: 'es posterior / mayor que' },
  is_less_than: { en: 'is less than', es: 'es anterior / menor que' },
  days_before: { en: 'days before', es: 'hace más de N días' },
};

// In Spanish the comparisons read as a date's or a number's, by what the attribute holds.
const SPANISH_COMPARISONS: Record<string, Partial<Record<ValueInput, string>>> = {
  is_greater_than: { date: 'es posterior a', number: 'es mayor que' },
  is_less_than: { date: 'es anterior a', number: 'es menor que' },
};

/** An operator's name for an attribute whose values take this input. */
export function operatorLabel(operator: string, input: ValueInput, language: 'en' | 'es'): string {
  const spanish = language === 'es' ? SPANISH_COMPARISONS[operator]?.[input] : undefined;
  return spanish ?? OPERATOR_LABELS[operator]?.[language] ?? operator;
}

/** A value as the builder shows it: a number with the language's decimal mark (7,5 in Spanish, as typed), the rest as it is. */
export const shownValue = (value: unknown, language: string): string =>
  typeof value === 'number' && language === 'es' ? String(value).replace('.', ',') : String(value ?? '');

/**
 * Operators the builder offers several values for: equal_to means any of them, not_equal_to none
 * of them (labels: has any of, has none of). The API takes several for the other text operators
 * too (a filter made through it is shown and kept), but only one for these:
 */
/**
 * The longest part of a text the API looks for (a contains, does-not-contain or starts-with
 * value, and a search's q: FILTER_MAX_SUBSTRING_LENGTH, 255 by default). Boxes hold no more: a
 * longer one was refused in the API's words, naming its setting.
 */
export const MAX_SUBSTRING_LENGTH = 255;
export const SUBSTRING_OPERATORS = ['contains', 'does_not_contain', 'starts_with'];

export const takesSeveralValues = (operator: string): boolean => operator === 'equal_to' || operator === 'not_equal_to';
export const SINGLE_VALUE_OPERATORS = ['is_greater_than', 'is_less_than', 'days_before'];

export const isBlankValue = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && !value.trim());

/**
 * The filter as it is sent: a condition's blank values are dropped when it has others (the value
 * box left empty after the last value was added), so that one with several values does not fail
 * for its empty box.
 */
export function withoutBlankValues(items: FilterItem[]): FilterItem[] {
  const clean = (condition: FilterCondition): FilterCondition => {
    const kept = condition.values.filter((v) => !isBlankValue(v));
    return kept.length && kept.length !== condition.values.length ? { ...condition, values: kept } : condition;
  };
  const cleanList = (list: FilterItem[]): FilterItem[] => list.map((item) => (isGroup(item) ? { ...item, group: cleanList(item.group) } : clean(item)));
  return cleanList(items);
}

/**
 * A segment's stored filter (or a link's) as the builder edits it, at every depth of groups: a
 * value saved as Chatwoot's dashboard sends a dropdown's (`{"id": "CO", "name": "Colombia"}`) is
 * its id, which is what the filter compares; `values` as the API also takes them (one value not in
 * a list, none for a presence operator) is a list; a join in any case is read as the API reads it.
 */
export function fromStoredPayload(items: FilterItem[]): FilterItem[] {
  const idOf = (value: unknown) => (typeof value === 'object' && value !== null && 'id' in value ? (value as { id: string | number | boolean }).id : value);
  // The API reads a join in any case ("OR", " And "); the builder's select knows "and" and "or",
  // and showed any other spelling as its first option, AND.
  const joinOf = <T extends FilterItem>(item: T): T => {
    const raw: unknown = item.query_operator;
    const join = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
    return join === 'and' || join === 'or' ? { ...item, query_operator: join } : item;
  };
  const read = (condition: FilterCondition): FilterCondition => {
    const raw: unknown = condition.values;
    const values = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
    return joinOf({ ...condition, values: values.map(idOf) as FilterCondition['values'] });
  };
  const readList = (list: FilterItem[]): FilterItem[] =>
    list.map((item) => (isGroup(item) ? joinOf({ ...item, group: Array.isArray(item.group) ? readList(item.group) : [] }) : read(item)));
  return readList(items);
}

export const emptyCondition = (): FilterCondition => ({ attribute_key: 'name', filter_operator: 'contains', values: [''], query_operator: 'and' });

/**
 * The payload as the API takes it: the last item of each level carries no query_operator, and
 * every other one the join the builder shows for it (AND when it had none: a saved filter's last
 * item, once something is added after it, was sent without one and refused).
 */
export function toPayload(items: FilterItem[]): FilterItem[] {
  const strip = (list: FilterItem[]): FilterItem[] =>
    list.map((item, i) => {
      const copy: FilterItem = { ...item, query_operator: item.query_operator ?? 'and' };
      if (i === list.length - 1) delete copy.query_operator;
      if (isGroup(copy)) copy.group = strip(copy.group);
      return copy;
    });
  return strip(items);
}

/** What keeps a filter from running, found before it is sent (each a message key of the console). */
export type FilterProblem = 'filterEmpty' | 'groupEmpty' | 'valueRequired' | 'valueChoose' | 'valueNumber' | 'valueDate' | 'daysWhole' | 'phoneDigits' | 'valueTooShort';

/**
 * The shortest contains or does-not-contain value the API matches by wildcard
 * (FILTER_MIN_WILDCARD_LENGTH, 2 by default): every attribute but those whose substrings it
 * indexes. A shorter one was refused in the API's English, naming its setting, in the Spanish
 * console too, while one letter worked on a name (console audit at 940,000 contacts).
 */
export const MIN_WILDCARD_LENGTH = 2;
const SUBSTRING_INDEXED = ['name', 'email', 'phone_number', 'identifier'];
const matchedByWildcard = (attribute: AttributeChoice, operator: string) =>
  (operator === 'contains' || operator === 'does_not_contain') && (attribute.custom || !SUBSTRING_INDEXED.includes(attribute.key));

const MAX_DAYS = 100000;

function conditionProblem(condition: FilterCondition, attribute: AttributeChoice | undefined): FilterProblem | null {
  // Not known yet (the account's definitions still loading): the API decides.
  if (!attribute) return null;
  const input = inputFor(attribute, condition.filter_operator);
  if (input === 'none' || input === 'boolean') return null;
  const days = condition.filter_operator === 'days_before';
  const values = condition.values.length ? condition.values : [undefined];
  // Every value is checked (a condition may hold several: any of, none of), the first problem said.
  for (const value of values) {
    const problem = valueProblem(value, input, days, attribute, condition.filter_operator);
    if (problem) return problem;
  }
  return null;
}

function valueProblem(value: unknown, input: ValueInput, days: boolean, attribute: AttributeChoice, operator: string): FilterProblem | null {
  if (isBlankValue(value)) {
    if (days) return 'daysWhole';
    return input === 'date' ? 'valueDate' : input === 'number' ? 'valueNumber' : input === 'text' ? 'valueRequired' : 'valueChoose';
  }
  if (days) return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_DAYS ? null : 'daysWhole';
  if (input === 'number') return typeof value === 'number' && Number.isFinite(value) ? null : 'valueNumber';
  if (input === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(String(value)) ? null : 'valueDate';
  // A phone substring or prefix is looked for among digits: the API takes a letter (it finds no
  // phone, as Chatwoot's contact picker needs), but in the console's phone box it is a slip.
  if (attribute.key === 'phone_number' && operator !== 'equal_to' && operator !== 'not_equal_to') {
    return /^\+?\d+$/.test(String(value).replace(/[\s\p{Pd}\u2212.()]/gu, '')) ? null : 'phoneDigits';
  }
  if (matchedByWildcard(attribute, operator) && [...String(value)].length < MIN_WILDCARD_LENGTH) return 'valueTooShort';
  return null;
}

/** Where an item is in the builder: its index in each level, joined ("1.0.2"); "" is the whole filter. */
export const pathOf = (at: string, index: number): string => (at ? `${at}.${index}` : String(index));

/**
 * The problems of a filter, by where they are: "" the whole filter, "2" its third item, "1.0" the
 * first item of its second item (a group), "1.0.2" the third item of that one when it is a group
 * too: the places the API names payload[2], payload[1].group[0] and payload[1].group[0].group[2].
 * Empty when the filter can be sent.
 */
export function filterProblems(items: FilterItem[], attributeOf: (key: string) => AttributeChoice | undefined): Map<string, FilterProblem> {
  const problems = new Map<string, FilterProblem>();
  if (!items.length) problems.set('', 'filterEmpty');
  const check = (list: FilterItem[], at: string) =>
    list.forEach((item, i) => {
      const path = pathOf(at, i);
      if (isGroup(item)) {
        if (!item.group.length) problems.set(path, 'groupEmpty');
        check(item.group, path);
      } else {
        const problem = conditionProblem(item, attributeOf(item.attribute_key));
        if (problem) problems.set(path, problem);
      }
    });
  check(items, '');
  return problems;
}

/** Where an API error's field points in the builder ("payload[1].group[0]" → "1.0", "query.payload" → ""), or null when it names no part of the filter. */
export function problemPathOf(field: string | undefined): string | null {
  const match = field ? /^(?:query\.)?payload((?:\[\d+\](?:\.group)?)*)$/.exec(field) : null;
  if (!match) return null;
  return [...match[1].matchAll(/\[(\d+)\]/g)].map((m) => m[1]).join('.');
}

/** What a filter's words are made of in a language: its joins and how a yes/no value reads. */
export interface FilterWords {
  language: 'en' | 'es';
  and: string;
  or: string;
  yes: string;
  no: string;
  /** `days_before N`, with the number in it. */
  daysAgo: (n: string) => string;
}

/**
 * The filter in words, as the list says which conditions it shows: `City contains "bogota" AND
 * (Country equal to "Peru" OR Labels equal to "vip")`. An attribute the account no longer defines
 * is named by its key.
 */
export function describeFilter(items: FilterItem[], attributeOf: (key: string) => AttributeChoice | undefined, words: FilterWords): string {
  const value = (v: unknown) => (typeof v === 'boolean' ? (v ? words.yes : words.no) : `"${shownValue(v, words.language)}"`);
  const condition = (c: FilterCondition): string => {
    const attribute = attributeOf(c.attribute_key);
    const name = attribute?.label ?? c.attribute_key;
    if (c.filter_operator === 'days_before') return `${name} ${words.daysAgo(shownValue(c.values[0], words.language))}`;
    const input = attribute ? inputFor(attribute, c.filter_operator) : 'text';
    const values = input === 'none' ? '' : ` ${c.values.map(value).join(', ')}`;
    return `${name} ${operatorLabel(c.filter_operator, input, words.language)}${values}`;
  };
  const list = (at: FilterItem[]): string =>
    at
      .map((item, i) => {
        const text = isGroup(item) ? `(${list(item.group)})` : condition(item);
        return i < at.length - 1 ? `${text} ${item.query_operator?.toLowerCase() === 'or' ? words.or : words.and} ` : text;
      })
      .join('');
  return list(items);
}

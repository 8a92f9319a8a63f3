import { controlCharacterProblem } from '../shared/control-characters';
import type { estypes } from '@elastic/elasticsearch';
import { attributeKeyOf, normalizePhone, stripPhoneSeparators } from '../records/contact-fields';
import type { AttributeType } from '../records/custom-attribute-definition.model';
import { SOCIAL_NETWORKS } from '../records/contact.model';
import { railsBoolean } from '../shared/rails-boolean';
import { foldForIndex, MAX_INDEXED_TEXT, numberOfDecimalText, searchFieldOf, LOSES_DIGITS, type DefinitionRef } from '../records/custom-attribute-fields';
import { DEFAULT_QUERY_LIMITS, LIMIT_SETTINGS, type QueryLimits } from './query-limits';
import { isSuffixField, MAX_SUFFIX_LENGTH, suffixPrefix } from './substring-terms';
import { ValidationError } from '../shared/errors';
import { parseIsoMoment, type IsoMoment } from '../shared/time';
import { labelTitleOf, labelTitleProblem } from '../shared/label-title';
import { quotedKeys } from '../shared/text';
import { decimalTextLosesDigits } from '../shared/decimal-text';

// A pure compiler: Chatwoot's filter payload (SPEC §3.1-3.2) → one Elasticsearch bool query over
// the fields of mappings/contacts.v3.json. Every attribute and operator is checked against the
// allowlist below and every value against its type; anything else is a ValidationError naming
// the item. The account condition is not added here: createContactSearch adds it to every search.
// What one filter may cost is bounded by QueryLimits (query-limits.ts); crossing one is a
// ValidationError naming the item and the setting.

type Query = estypes.QueryDslQueryContainer;

export const OPERATORS = [
  'equal_to',
  'not_equal_to',
  'contains',
  'does_not_contain',
  'starts_with',
  'is_present',
  'is_not_present',
  'is_greater_than',
  'is_less_than',
  'days_before',
] as const;
export type FilterOperator = (typeof OPERATORS)[number];

/** How values of an attribute are read and compared. */
type Kind = 'text' | 'phone' | 'folded_exact' | 'country_code' | 'labels' | 'date' | 'boolean' | 'number' | 'custom_date';

const TEXT_OPS: FilterOperator[] = ['equal_to', 'not_equal_to', 'contains', 'does_not_contain', 'starts_with', 'is_present', 'is_not_present'];
const EXACT_OPS: FilterOperator[] = ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'];
const DATE_OPS: FilterOperator[] = ['is_greater_than', 'is_less_than', 'days_before', 'is_present', 'is_not_present'];
const BOOLEAN_OPS: FilterOperator[] = ['equal_to', 'not_equal_to'];
const NUMBER_OPS: FilterOperator[] = ['equal_to', 'not_equal_to', 'is_greater_than', 'is_less_than', 'is_present', 'is_not_present'];
const CUSTOM_DATE_OPS: FilterOperator[] = ['equal_to', 'is_greater_than', 'is_less_than', 'days_before', 'is_present', 'is_not_present'];

interface AttributeRule {
  kind: Kind;
  /** The index field, in mappings/contacts.v3.json. */
  field: string;
  operators: FilterOperator[];
}

/** The standard attributes a filter may name (SPEC §3.2; `country`, `last_seen_at` and the social profiles are extensions). */
export const STANDARD_ATTRIBUTES: Record<string, AttributeRule> = {
  name: { kind: 'text', field: 'name', operators: TEXT_OPS },
  email: { kind: 'text', field: 'email', operators: TEXT_OPS },
  city: { kind: 'text', field: 'city', operators: TEXT_OPS },
  company_name: { kind: 'text', field: 'company_name', operators: TEXT_OPS },
  country: { kind: 'text', field: 'country', operators: TEXT_OPS },
  phone_number: { kind: 'phone', field: 'phone_number', operators: TEXT_OPS },
  identifier: { kind: 'folded_exact', field: 'identifier', operators: EXACT_OPS },
  country_code: { kind: 'country_code', field: 'country_code', operators: EXACT_OPS },
  labels: { kind: 'labels', field: 'labels', operators: EXACT_OPS },
  created_at: { kind: 'date', field: 'created_at', operators: DATE_OPS },
  last_activity_at: { kind: 'date', field: 'last_activity_at', operators: DATE_OPS },
  last_seen_at: { kind: 'date', field: 'last_seen_at', operators: DATE_OPS },
  blocked: { kind: 'boolean', field: 'blocked', operators: BOOLEAN_OPS },
  // Named by their place in the contact (additional_attributes.social_profiles.<network>); a
  // custom attribute key cannot contain ".", so these never shadow one.
  ...Object.fromEntries(SOCIAL_NETWORKS.map((network) => [`social_profiles.${network}`, { kind: 'text', field: `social_${network}`, operators: TEXT_OPS } satisfies AttributeRule])),
};

const CUSTOM_RULES: Record<AttributeType, Omit<AttributeRule, 'field'>> = {
  text: { kind: 'text', operators: TEXT_OPS },
  link: { kind: 'text', operators: TEXT_OPS },
  list: { kind: 'text', operators: TEXT_OPS },
  number: { kind: 'number', operators: NUMBER_OPS },
  date: { kind: 'custom_date', operators: CUSTOM_DATE_OPS },
  checkbox: { kind: 'boolean', operators: BOOLEAN_OPS },
};

export const MAX_CONDITIONS = DEFAULT_QUERY_LIMITS.maxConditions;
export const MAX_GROUP_DEPTH = 5;
/** The longest value of any kind: the index cuts texts there (MAX_INDEXED_TEXT), so a longer one cannot match as given. */
export const MAX_VALUE_LENGTH = MAX_INDEXED_TEXT;
const MAX_DAYS = 100000;
/** What a condition may hold: ours, and the two Chatwoot's dashboard adds (kept, and answered back, on a segment). */
const CONDITION_KEYS: ReadonlySet<string> = new Set(['attribute_key', 'filter_operator', 'values', 'query_operator', 'attribute_model', 'custom_attribute_type']);
const GROUP_KEYS: ReadonlySet<string> = new Set(['group', 'query_operator']);
const DAY_MS = 86400000;

class Compiler {
  private conditions = 0;
  private totalValues = 0;
  private substringValues = 0;
  private wildcards = 0;
  private readonly definitions: Map<string, DefinitionRef>;

  constructor(
    definitions: DefinitionRef[],
    private readonly limits: QueryLimits,
  ) {
    this.definitions = new Map(definitions.map((d) => [d.attribute_key, d]));
  }

  fail(where: string, message: string): never {
    throw new ValidationError(`${where}: ${message}`, where);
  }

  /** One more value that matches broadly (see FILTER_MAX_WILDCARDS in query-limits.ts). */
  broad(at: string): void {
    this.wildcards += 1;
    this.within(
      at,
      'maxWildcards',
      this.wildcards,
      `too many values in one filter that match broadly (contains or does_not_contain on city, company_name, country or a custom text attribute, a value over ${MAX_SUFFIX_LENGTH} characters, or one shorter than ${this.limits.minWildcardLength})`,
    );
  }

  /** Fails when `count` passes the limit, naming the setting behind it. */
  within(where: string, limit: keyof QueryLimits, count: number, what: string): void {
    const max = this.limits[limit];
    if (count > max) this.fail(where, `${what}: at most ${max} (limit ${LIMIT_SETTINGS[limit]}); this item brings it to ${count}`);
  }

  /** A list of items joined by query_operator; AND binds tighter than OR. */
  list(items: unknown, where: string, depth: number): Query {
    // An empty filter is no condition for a filter run, an export or a bulk action, which never compile it.
    if (!Array.isArray(items)) this.fail(where, 'must be an array of filter conditions');
    if (!items.length) this.fail(where, 'must hold at least one filter condition');
    if (depth > MAX_GROUP_DEPTH) this.fail(where, `groups nest at most ${MAX_GROUP_DEPTH} deep`);
    const alternatives: Query[][] = [[]];
    items.forEach((item, i) => {
      const at = `${where}[${i}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) this.fail(at, 'must be an object with attribute_key, filter_operator and values, or a group');
      const record = item as Record<string, unknown>;
      const query = 'group' in record ? this.group(record, at, depth) : this.condition(record, at);
      alternatives[alternatives.length - 1].push(query);
      const join = this.joinOf(record.query_operator, at, i === items.length - 1);
      if (join === 'or') alternatives.push([]);
    });
    const ands = alternatives.map((chain) => (chain.length === 1 ? chain[0] : { bool: { filter: chain } }));
    return ands.length === 1 ? ands[0] : { bool: { should: ands, minimum_should_match: 1 } };
  }

  /** A group item: parentheses around its list. Anything beside it would be ignored, so it is refused. */
  group(record: Record<string, unknown>, at: string, depth: number): Query {
    this.onlyKeys(record, GROUP_KEYS, at, 'a group item takes only group and query_operator');
    return this.list(record.group, `${at}.group`, depth + 1);
  }

  /** A key the compiler does not read would be dropped in silence (a typo such as `valuez`, or a `negate` it has not): refused, naming it. */
  onlyKeys(record: Record<string, unknown>, known: ReadonlySet<string>, at: string, rule: string): void {
    const extra = Object.keys(record).filter((key) => !known.has(key));
    if (!extra.length) return;
    this.fail(at, `${rule}; remove ${quotedKeys(extra, 3)}`);
  }

  /** The operator joining an item to the next one; a trailing operator on the last item is ignored. */
  joinOf(raw: unknown, at: string, last: boolean): 'and' | 'or' | undefined {
    if (raw === undefined || raw === null || raw === '') {
      if (last) return undefined;
      this.fail(at, 'query_operator must be "and" or "or" to join this condition to the next one');
    }
    const op = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
    if (op !== 'and' && op !== 'or') this.fail(at, `query_operator must be "and" or "or", not ${JSON.stringify(raw)}`);
    return last ? undefined : op;
  }

  rule(key: unknown, at: string): AttributeRule {
    if (typeof key !== 'string' || !key.trim()) this.fail(at, 'attribute_key must be a non-empty string');
    if (Object.prototype.hasOwnProperty.call(STANDARD_ATTRIBUTES, key)) return STANDARD_ATTRIBUTES[key];
    const def = this.definitions.get(key) ?? this.definitions.get(attributeKeyOf(key));
    if (def) return { ...CUSTOM_RULES[def.attribute_display_type], field: searchFieldOf(def) };
    // Chatwoot's contact filters call the company `company`; an account's own custom attribute of that key comes first.
    if (key === 'company') return STANDARD_ATTRIBUTES.company_name;
    this.fail(at, `unknown attribute "${key}"; use one of ${Object.keys(STANDARD_ATTRIBUTES).join(', ')} or a custom attribute key of the account`);
  }

  condition(item: Record<string, unknown>, at: string): Query {
    this.onlyKeys(item, CONDITION_KEYS, at, `a condition takes only ${[...CONDITION_KEYS].join(', ')}`);
    this.conditions += 1;
    this.within(at, 'maxConditions', this.conditions, 'too many conditions in one filter');
    const rule = this.rule(item.attribute_key, at);
    const key = item.attribute_key as string;
    const op = item.filter_operator;
    if (op === undefined || op === null) this.fail(at, `filter_operator is required: one of ${rule.operators.join(', ')} for "${key}"`);
    if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
      this.fail(at, `filter_operator must be one of ${rule.operators.join(', ')} for "${key}", not ${JSON.stringify(op)}`);
    }
    const operator = op as FilterOperator;
    if (!rule.operators.includes(operator)) {
      this.fail(at, `filter_operator "${operator}" is not allowed for "${key}"; use one of ${rule.operators.join(', ')}`);
    }
    const { field } = rule;
    // Not read by these operators, but stored with a segment as sent: checked as any value's text.
    this.storableText(Array.isArray(item.values) ? item.values : item.values === undefined || item.values === null ? [] : [item.values], at);
    if (operator === 'is_present') return { exists: { field } };
    if (operator === 'is_not_present') return { bool: { must_not: [{ exists: { field } }] } };

    const values = this.values(item.values, at);
    if (operator === 'days_before') {
      const days = this.single(values, at, operator);
      const n = typeof days === 'string' && /^\d+$/.test(days.trim()) ? Number(days) : days;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_DAYS) {
        this.fail(at, `days_before takes a whole number of days from 0 to ${MAX_DAYS}; got ${JSON.stringify(days)}`);
      }
      // Resolved by Elasticsearch when the query runs, so a saved segment stays relative to today.
      return { range: { [field]: { lt: `now-${n}d/d` } } };
    }

    switch (rule.kind) {
      case 'text':
        return this.text(field, operator, values.map((v, j) => this.text_value(v, at, j)), at);
      case 'phone':
        return this.text(field, operator, values.map((v, j) => this.phone_value(wholeNumberAsText(v), operator, at, j)), at);
      case 'folded_exact':
        return this.exact(field, operator, values.map((v, j) => this.text_value(wholeNumberAsText(v), at, j)));
      case 'country_code':
        return this.exact(field, operator, values.map((v, j) => this.country_code_value(v, at, j)));
      case 'labels':
        return this.exact(field, operator, values.map((v, j) => this.label_value(v, at, j)));
      case 'boolean':
        return this.exact(field, operator, values.map((v, j) => this.boolean(v, at, j)));
      case 'number': {
        const numbers = values.map((v, j) => this.number(v, at, j));
        if (operator === 'is_greater_than') return { range: { [field]: { gt: this.single(numbers, at, operator) } } };
        if (operator === 'is_less_than') return { range: { [field]: { lt: this.single(numbers, at, operator) } } };
        return this.exact(field, operator, numbers);
      }
      case 'date':
      case 'custom_date': {
        const dates = values.map((v, j) => this.date(v, at, j));
        // The contact's own times are answered in whole seconds though indexed to the
        // millisecond: they compare as the second a client read, so that "after the time I last
        // read" does not answer the contact read then again.
        const bySecond = rule.kind === 'date';
        if (operator === 'is_greater_than') {
          const d = this.single(dates, at, operator);
          // After that day: from the start of the next one. A date-time: strictly after it.
          if (d.day) return { range: { [field]: { gte: d.ms + DAY_MS } } };
          return { range: { [field]: bySecond ? { gte: (Math.floor(d.ms / 1000) + 1) * 1000 } : { gt: d.ms } } };
        }
        if (operator === 'is_less_than') {
          const d = this.single(dates, at, operator);
          return { range: { [field]: { lt: bySecond ? Math.ceil(d.ms / 1000) * 1000 : d.ms } } };
        }
        // equal_to (custom dates): the UTC day of each value, any of them.
        const days = dates.map((d) => {
          const start = Math.floor(d.ms / DAY_MS) * DAY_MS;
          return { range: { [field]: { gte: start, lt: start + DAY_MS } } };
        });
        return days.length === 1 ? days[0] : { bool: { should: days, minimum_should_match: 1 } };
      }
    }
  }

  values(raw: unknown, at: string): unknown[] {
    const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
    if (!list.length) this.fail(at, 'values must hold at least one value for this operator');
    this.within(at, 'maxValuesPerCondition', list.length, 'too many values in one condition');
    this.totalValues += list.length;
    this.within(at, 'maxTotalValues', this.totalValues, 'too many values in one filter');
    // Chatwoot's dashboard sends dropdown choices as {id, name}; the id is the value.
    const values = list.map((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) && 'id' in v ? (v as { id: unknown }).id : v));
    // Before any kind reads them: a longer label or country code went to Elasticsearch as is and
    // came back as a query it could not parse, and error messages quote the values they refuse.
    values.forEach((v, j) => {
      const length = typeof v === 'string' ? [...v].length : (JSON.stringify(v) ?? '').length;
      if (length > MAX_VALUE_LENGTH) this.fail(at, `values[${j}] is ${length} characters long; a filter value holds at most ${MAX_VALUE_LENGTH} (no indexed text is longer)`);
    });
    return values;
  }

  /**
   * Values are stored with a segment and shown again, a dropdown's {id, name} too: text with no
   * control character, as any text stored (no contact's text holds one either, so such a value
   * could match nothing), and a name that is text.
   */
  storableText(list: unknown[], at: string): void {
    list.forEach((v, j) => {
      const choice = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as { id?: unknown; name?: unknown }) : undefined;
      if (choice && 'name' in choice && typeof choice.name !== 'string') this.fail(at, `values[${j}].name must be text; got ${JSON.stringify(choice.name)}`);
      for (const [place, text] of choice ? [[`values[${j}].id`, choice.id], [`values[${j}].name`, choice.name]] : [[`values[${j}]`, v]]) {
        const control = typeof text === 'string' ? controlCharacterProblem(text) : undefined;
        if (control) this.fail(at, `${place} ${control}`);
      }
    });
  }

  single<T>(values: T[], at: string, operator: string): T {
    if (values.length !== 1) this.fail(at, `${operator} takes exactly one value; got ${values.length}`);
    return values[0];
  }

  string(value: unknown, at: string, j: number): string {
    if (typeof value !== 'string') this.fail(at, `values[${j}] must be a string; got ${JSON.stringify(value)}`);
    const text = value.trim();
    if (!text.length) this.fail(at, `values[${j}] must not be empty`);
    return text;
  }

  /** A title no label can have (`a b`) matched nothing with a 200; `labels[]` answers 422 for it, by the same check. */
  label_value(value: unknown, at: string, j: number): string {
    const raw = this.string(value, at, j);
    const title = labelTitleOf(raw);
    const problem = labelTitleProblem(title, raw);
    if (problem) this.fail(at, `values[${j}]: ${problem}`);
    return title;
  }

  /** Contact writes keep two letters only, so another code (`COL`) matched nothing with a 200. */
  country_code_value(value: unknown, at: string, j: number): string {
    const code = this.string(value, at, j).toUpperCase();
    if (!/^[A-Z]{2}$/.test(code)) this.fail(at, `values[${j}]: country_code must be a two-letter ISO 3166 code; got ${JSON.stringify(value)}`);
    return code;
  }

  text_value(value: unknown, at: string, j: number): string {
    const folded = foldForIndex(this.string(value, at, j));
    if (!folded.length) this.fail(at, `values[${j}] holds nothing to compare once spaces, invisible characters and accents are set aside`);
    return folded;
  }

  phone_value(value: unknown, operator: FilterOperator, at: string, j: number): string {
    const text = this.string(value, at, j);
    if (operator === 'equal_to' || operator === 'not_equal_to') {
      const phone = normalizePhone(text);
      if (!phone.ok) this.fail(at, `values[${j}]: ${phone.error}`);
      return phone.value;
    }
    const stripped = stripPhoneSeparators(text);
    if (!stripped) this.fail(at, `values[${j}] holds no digits of a phone number, only separators; got ${JSON.stringify(value)}`);
    // Chatwoot's new-conversation picker looks for what is typed in email, phone number and name
    // at once (OR): a name here was a 422 that failed the whole search. Text that is no number is
    // looked for as typed, as Chatwoot's ILIKE does: no phone number holds it, so it finds none
    // (and does_not_contain keeps every contact).
    if (!/^\+?\d+$/.test(stripped)) return stripped;
    // A prefix without "+" already starts with the country code, as numbers are given on input.
    const prefix = operator === 'starts_with' && !stripped.startsWith('+') ? `+${stripped}` : stripped;
    // No country code starts with 0: "00 51…" (the dialling prefix), or "+0" anywhere a + marks
    // the number's start, would match nothing, silently.
    if (prefix.startsWith('+0')) this.fail(at, `values[${j}]: a phone number starts with + and its country code, which never begins with 0 (write +51…, not 0051…); got ${JSON.stringify(value)}`);
    return prefix;
  }

  boolean(value: unknown, at: string, j: number): boolean {
    const cast = railsBoolean(value);
    if (typeof cast === 'boolean') return cast;
    this.fail(at, `values[${j}] must be true or false (or 1/0, on/off, t/f, as Rails reads a boolean); got ${JSON.stringify(value)}`);
  }

  number(value: unknown, at: string, j: number): number {
    const n = numberOfDecimalText(value);
    if (typeof value === 'string' && decimalTextLosesDigits(value)) {
      this.fail(at, `values[${j}] ${LOSES_DIGITS}; got ${JSON.stringify(value)}`);
    }
    if (typeof n !== 'number' || !Number.isFinite(n)) this.fail(at, `values[${j}] must be a number; got ${JSON.stringify(value)}`);
    return n;
  }

  date(value: unknown, at: string, j: number): IsoMoment {
    const moment = typeof value === 'string' ? parseIsoMoment(value) : undefined;
    if (!moment) this.fail(at, `values[${j}] must be a date (2025-03-15) or a date-time (2025-03-15T10:00:00Z) that exists on the calendar; got ${JSON.stringify(value)}`);
    return moment;
  }

  text(field: string, operator: FilterOperator, values: string[], at: string): Query {
    if (operator === 'equal_to' || operator === 'not_equal_to') return this.exact(field, operator, values);
    this.substringValues += values.length;
    this.within(at, 'maxSubstringValues', this.substringValues, 'too many contains, does_not_contain and starts_with values in one filter');
    const matchers: Query[] = values.map((v, j) => {
      const length = [...v].length;
      if (length > this.limits.maxSubstringLength) {
        this.fail(at, `values[${j}] is ${length} characters; a ${operator} value holds at most ${this.limits.maxSubstringLength} (limit ${LIMIT_SETTINGS.maxSubstringLength})`);
      }
      if (operator === 'starts_with') return { prefix: { [field]: { value: v } } };
      // Standard text fields have indexed suffixes: contains is a prefix query on them. A
      // needle shorter than FILTER_MIN_WILDCARD_LENGTH is allowed there, but it matches a suffix
      // at nearly every position of every value, in every account: it costs as much as a wildcard.
      const term = isSuffixField(field) ? suffixPrefix(field, v) : undefined;
      if (term) {
        if (length < this.limits.minWildcardLength) this.broad(at);
        return { prefix: { search_suffixes: { value: term } } };
      }
      // A wildcard walks the field's whole term dictionary, in every account of the index.
      this.broad(at);
      if (length < this.limits.minWildcardLength) {
        this.fail(at, `values[${j}] is too short to match by wildcard: at least ${this.limits.minWildcardLength} characters (limit ${LIMIT_SETTINGS.minWildcardLength})`);
      }
      return { wildcard: { [field]: { value: `*${escapeWildcard(v)}*` } } };
    });
    const any: Query = matchers.length === 1 ? matchers[0] : { bool: { should: matchers, minimum_should_match: 1 } };
    // does_not_contain: none of the values; a contact without the field is kept.
    return operator === 'does_not_contain' ? { bool: { must_not: [any] } } : any;
  }

  exact(field: string, operator: FilterOperator, values: (string | number | boolean)[]): Query {
    const unique = [...new Set(values)];
    const match: Query = unique.length === 1 ? { term: { [field]: unique[0] } } : { terms: { [field]: unique } };
    // not_equal_to: none of the values; must_not keeps contacts where the field is absent.
    return operator === 'not_equal_to' ? { bool: { must_not: [match] } } : match;
  }
}

/**
 * A whole JSON number as its digits, for the phone number and the identifier: contact writes take
 * them so (`14155550100`, `12345`), and a filter refused what the contact was written with.
 */
const wholeNumberAsText = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value);

export const escapeWildcard = (value: string) => value.replace(/[\\*?]/g, (c) => `\\${c}`);

/** A payload of no condition: Chatwoot's clients send `[]` when no filter is applied, and it answers every contact. */
export const isNoCondition = (payload: unknown): boolean => Array.isArray(payload) && payload.length === 0;

/**
 * Compiles a filter payload (the `payload` array of `{"payload": [...]}`) for an account whose
 * custom attribute definitions are given. Throws ValidationError naming the item on any fault.
 */
/** `at` names the payload in errors: `query.payload` in a segment's body. */
export function buildSegmentQuery(payload: unknown, definitions: DefinitionRef[], limits: QueryLimits = DEFAULT_QUERY_LIMITS, at = 'payload'): Query {
  return new Compiler(definitions, limits).list(payload, at, 0);
}

/** Whether some `attribute_key` of the payload, at any depth, passes the test. */
function someAttributeKey(payload: unknown, test: (key: unknown) => boolean): boolean {
  const pending: unknown[] = [payload];
  while (pending.length) {
    const value = pending.pop();
    if (!value || typeof value !== 'object') continue;
    if (!Array.isArray(value) && Object.hasOwn(value, 'attribute_key') && test((value as { attribute_key: unknown }).attribute_key)) return true;
    pending.push(...Object.values(value));
  }
  return false;
}

/**
 * Whether a filter payload may name a custom attribute: only then does compiling it need the
 * account's definitions (a read of MongoDB). Looks at every object at any depth, so a payload
 * the compiler would refuse answers true rather than skip a definition it names.
 */
export function mayNameCustomAttributes(payload: unknown): boolean {
  return someAttributeKey(payload, (key) => typeof key !== 'string' || !Object.hasOwn(STANDARD_ATTRIBUTES, key));
}

/**
 * Whether a filter names `company`: the account's own custom attribute of that key once one is
 * defined (any write may define it by using it), `company_name` until then. A query compiled for
 * it holds only while the definitions stay as they were.
 */
export function namesCompanyAlias(payload: unknown): boolean {
  return someAttributeKey(payload, (key) => key === 'company');
}

/**
 * The payload with only the keys the compiler reads, safe to store as given. A value given as
 * Chatwoot's dashboard sends a dropdown's (`{"id": "CO", "name": "Colombia"}`) is kept so, its id
 * and name only: a client opening the segment again gets back what it saved (the compiler reads the id).
 */
export function sanitizeFilterPayload(payload: unknown): unknown {
  if (!Array.isArray(payload)) return payload;
  return payload.map((item) => {
    if (typeof item !== 'object' || item === null) return item;
    const record = item as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    if ('group' in record) out.group = sanitizeFilterPayload(record.group);
    for (const key of CONDITION_KEYS) {
      if (key !== 'values' && key in record) out[key] = record[key];
    }
    if ('values' in record) {
      const values = record.values;
      out.values = Array.isArray(values) ? values.map(storedValue) : values;
    }
    return out;
  });
}

function storedValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('id' in value)) return value;
  const { id, name } = value as { id: unknown; name?: unknown };
  return name === undefined ? { id } : { id, name };
}

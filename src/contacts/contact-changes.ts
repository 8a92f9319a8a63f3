import { ValidationError } from '../shared/errors';
import { controlCharacterProblem } from '../shared/control-characters';
import { attributeKeyOf, attributesSizeProblem, checkAttributeKey, checkAvatarUrl, checkNestedKeys, checkSocialProfile, normalizeEmail, normalizePhone } from '../records/contact-fields';
import { parseTimestamp } from '../shared/time';
import { ADDITIONAL_TEXT_FIELDS, SOCIAL_NETWORKS, STORED_SOCIAL_NETWORKS } from '../records/contact.model';
import type { ContactInput } from './contacts.schemas';
import { trimText } from '../shared/trim-text';

/** Validated, normalised changes to a contact; absent keys are left as they are. */
export interface ContactChanges {
  name?: string | null;
  email?: string | null;
  phone_number?: string | null;
  identifier?: string | null;
  thumbnail?: string | null;
  blocked?: boolean;
  additional_attributes?: Record<string, unknown>;
  custom_attributes?: Record<string, unknown>;
  created_at?: Date;
  last_activity_at?: Date | null;
}

const blankToNull = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null || trimText(value) === '' ? null : trimText(value);

/** Whether a field's top-level value and its additional_attributes copy say the same (blank is none; a country code in any case). */
function sameText(field: string, top: string | null | undefined, nested: unknown): boolean {
  const read = (value: unknown) => {
    const text = typeof value === 'string' ? blankToNull(value) : value;
    if (typeof text !== 'string') return text;
    // Composed: a value typed decomposed (e + U+0301, as macOS may send it) is the same text.
    const composed = text.normalize('NFC');
    return field === 'country_code' ? composed.toUpperCase() : composed;
  };
  return read(top) === read(nested ?? null);
}

/** The value, refused (422 naming the field) when it holds a control character. */
function plainText<T extends string | null | undefined>(field: string, value: T): T {
  const problem = typeof value === 'string' ? controlCharacterProblem(value) : undefined;
  if (problem) throw new ValidationError(`${field}: ${JSON.stringify(value)} ${problem}`, field);
  return value;
}

/** Refuses an attribute hash too big to store (a 422 naming the field); given the hash it replaces, one that does not grow it. */
export function checkSize(field: 'additional_attributes' | 'custom_attributes', attrs: Record<string, unknown>, before?: Record<string, unknown>): void {
  const problem = attributesSizeProblem(field, attrs, before);
  if (problem) throw new ValidationError(problem, field);
}

function checkKeys(field: string, attrs: Record<string, unknown>) {
  for (const [key, value] of Object.entries(attrs)) {
    const own = checkAttributeKey(key);
    const problem = own ? `${field}: ${own}` : checkNestedKeys(value, `${field}.${key}`);
    if (problem) throw new ValidationError(problem, field);
  }
}

/** Custom attribute keys composed (attributeKeyOf); two keys that are the same text are a 422. */
function composedKeys(attrs: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(attrs);
  if (entries.every(([key]) => attributeKeyOf(key) === key)) return attrs;
  const composed = new Map<string, string>();
  for (const [key] of entries) {
    const same = composed.get(attributeKeyOf(key));
    if (same !== undefined) {
      throw new ValidationError(
        `custom_attributes: the keys ${JSON.stringify(same)} and ${JSON.stringify(key)} are the same text (one is written decomposed); send one`,
        `custom_attributes.${attributeKeyOf(key)}`,
      );
    }
    composed.set(attributeKeyOf(key), key);
  }
  // fromEntries defines own properties, so a key such as __proto__ stays a key.
  return Object.fromEntries(entries.map(([key, value]) => [attributeKeyOf(key), value]));
}

const SOCIAL_FIELD = 'additional_attributes.social_profiles';
const TAKEN_NETWORKS: readonly string[] = [...SOCIAL_NETWORKS, ...STORED_SOCIAL_NETWORKS];

/**
 * Chatwoot's social profiles: an object of known networks, each a handle or a URL; a null or
 * empty value drops that network. The object replaces the one stored (attributes merge shallowly).
 */
function socialProfiles(raw: unknown): Record<string, string> | null {
  if (raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError(`${SOCIAL_FIELD} must be an object of ${TAKEN_NETWORKS.join(', ')}`, SOCIAL_FIELD);
  const profiles: Record<string, string> = {};
  for (const [network, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!TAKEN_NETWORKS.includes(network)) {
      throw new ValidationError(`${SOCIAL_FIELD}: unknown network "${network}"; use ${TAKEN_NETWORKS.join(', ')}`, `${SOCIAL_FIELD}.${network}`);
    }
    if (value === null || (typeof value === 'string' && !value.trim())) continue;
    const checked = checkSocialProfile(network, value);
    if (!checked.ok) throw new ValidationError(checked.error, `${SOCIAL_FIELD}.${network}`);
    profiles[network] = checked.value;
  }
  return profiles;
}

/** Applies SPEC §1.1's field rules to API input. Throws ValidationError naming the field. */
export function toContactChanges(input: ContactInput): ContactChanges {
  const changes: ContactChanges = {};
  if (input.name !== undefined) changes.name = plainText('name', blankToNull(input.name));
  if (input.identifier !== undefined) changes.identifier = plainText('identifier', blankToNull(input.identifier));
  // Chatwoot's `avatar` without a file (null or "") takes the picture away, as its update does;
  // an avatar_url in the same request says what the picture is.
  const fromUrl = blankToNull(input.avatar_url);
  const avatar = fromUrl !== undefined ? fromUrl : input.avatar === undefined ? undefined : null;
  if (avatar !== undefined) {
    if (avatar === null) changes.thumbnail = null;
    else {
      const checked = checkAvatarUrl(avatar);
      if (!checked.ok) throw new ValidationError(checked.error, 'avatar_url');
      changes.thumbnail = checked.value;
    }
  }
  if (input.blocked !== undefined) changes.blocked = input.blocked;

  const email = blankToNull(input.email);
  if (email !== undefined) {
    if (email === null) changes.email = null;
    else {
      const checked = normalizeEmail(email);
      if (!checked.ok) throw new ValidationError(`email: ${checked.error}`, 'email');
      changes.email = checked.value;
    }
  }

  const phone = blankToNull(input.phone_number);
  if (phone !== undefined) {
    if (phone === null) changes.phone_number = null;
    else {
      const checked = normalizePhone(phone);
      if (!checked.ok) throw new ValidationError(`phone_number: ${checked.error}`, 'phone_number');
      changes.phone_number = checked.value;
    }
  }

  const additional: Record<string, unknown> = { ...(input.additional_attributes ?? {}) };
  for (const field of ADDITIONAL_TEXT_FIELDS) {
    if (input[field] === undefined) continue;
    const top = blankToNull(input[field]);
    // Given in both places, the two must agree: one of them used to be dropped without a word.
    if (field in additional && !sameText(field, top, additional[field])) {
      throw new ValidationError(
        `${field} is given twice with different values, ${JSON.stringify(input[field])} and additional_attributes.${field} ${JSON.stringify(additional[field])}; send one`,
        field,
      );
    }
    additional[field] = top;
  }
  for (const field of ADDITIONAL_TEXT_FIELDS) {
    const value = additional[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new ValidationError(`additional_attributes.${field} must be a string`, field);
    }
    // Inside additional_attributes as at the top level: trimmed, and blank is no value (a city of
    // spaces was kept, present to filters and first in every sort).
    if (typeof value === 'string') additional[field] = plainText(field, blankToNull(value));
  }
  if (typeof additional.country_code === 'string') {
    const code = additional.country_code.trim().toUpperCase();
    if (code && !/^[A-Z]{2}$/.test(code)) throw new ValidationError('country_code must be a two-letter ISO 3166 code', 'country_code');
    additional.country_code = code || null;
  }
  if (additional.social_profiles !== undefined) additional.social_profiles = socialProfiles(additional.social_profiles);
  if (Object.keys(additional).length) {
    checkKeys('additional_attributes', additional);
    checkSize('additional_attributes', additional);
    changes.additional_attributes = additional;
  }
  if (input.custom_attributes !== undefined && input.custom_attributes !== null) {
    checkKeys('custom_attributes', input.custom_attributes);
    checkSize('custom_attributes', input.custom_attributes);
    changes.custom_attributes = composedKeys(input.custom_attributes);
  } else if (input.custom_attributes !== undefined) {
    changes.custom_attributes = input.custom_attributes;
  }

  if (input.created_at !== undefined) changes.created_at = timestampOf('created_at', input.created_at);
  if (input.last_activity_at !== undefined) {
    changes.last_activity_at = input.last_activity_at === null ? null : timestampOf('last_activity_at', input.last_activity_at);
  }
  return changes;
}

// Milliseconds sent for seconds (JavaScript's Date.now()) are the commonest wrong timestamp: the
// 422 says so rather than leave the caller to find why 1700000000000 is no date.
const LOOKS_LIKE_MILLISECONDS = /^-?\d{12,}(\.\d+)?$/;

function timestampOf(field: 'created_at' | 'last_activity_at', value: number | string): Date {
  const date = parseTimestamp(value);
  if (date) return date;
  const hint = LOOKS_LIKE_MILLISECONDS.test(String(value)) ? `; ${value} looks like milliseconds: Unix seconds are a thousand times smaller` : '';
  throw new ValidationError(`${field} must be Unix seconds or an ISO 8601 date, in the years 1000 to 3000${hint}`, field);
}

export const IDENTITY_FIELDS = ['name', 'email', 'phone_number', 'identifier'] as const;

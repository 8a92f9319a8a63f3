// Field rules of SPEC §1.1, as pure functions shared by the API, the import and capture.
import { emailAddressProblem, emailKey, isEmailAddress } from '../shared/email-address';
import { INVISIBLE, withoutInvisible } from '../shared/text';
import { trimText } from '../shared/trim-text';
import { controlCharacterProblem } from '../shared/control-characters';

// Spaces, dashes, dots and parentheses (SPEC §1): any Unicode space or dash (\p{Pd}: the en dash,
// the non-breaking hyphen… of a number pasted from a document) and the minus sign.
const PHONE_SEPARATORS = /[\s\p{Pd}\u2212.()]/gu;
const PHONE_LIKE = /^[+\d\s\p{Pd}\u2212.()]+$/u;
const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * A custom attribute key as it is stored and looked up: composed (NFC). A key typed decomposed
 * (o + U+0301, as macOS may send it) looks the same as the key defined composed, and is the same
 * text; it defined a second attribute, and a filter, sort or export naming it missed the first.
 */
export const attributeKeyOf = (key: string): string => key.normalize('NFC');

export type FieldCheck<T> = { ok: true; value: T } | { ok: false; error: string };

export function normalizeEmail(raw: string): FieldCheck<string> {
  // The key of an address spelled decomposed, with İ or in fullwidth letters is its plain
  // spelling's (shared/email-address.ts): each made a second contact; search folds them so too.
  const value = emailKey(raw);
  if (!isEmailAddress(value)) {
    const problem = emailAddressProblem(value);
    const why = invisibleNote(raw) || (problem ? ` (${problem})` : '');
    return { ok: false, error: `${JSON.stringify(raw)} is not a valid email address${why}` };
  }
  return { ok: true, value };
}

/** Names the first invisible character of a text refused for holding one: the message shows the text as it looks, valid. */
function invisibleNote(raw: string): string {
  const found = raw.match(INVISIBLE);
  return found ? ` (it holds an invisible character, U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})` : '';
}

// Digits of other scripts are the digits a phone keyboard of those languages types (Arabic-Indic
// ٣٤, Persian ۳۴, Devanagari ३४, fullwidth ３４ from a Japanese or Chinese input method); E.164 writes
// them 0-9. Unicode's decimal digits come in runs of ten from zero (the mathematical ones in five
// runs back to back), so a digit's value is its distance from the start of its run, modulo ten.
const OTHER_DIGIT = /[\p{Nd}\uff0b]/gu;
const DECIMAL_DIGIT = /\p{Nd}/u;

function digitValue(digit: string): number {
  let code = digit.codePointAt(0)!;
  let steps = 0;
  while (steps < 50 && DECIMAL_DIGIT.test(String.fromCodePoint(code - 1))) {
    code -= 1;
    steps += 1;
  }
  return steps % 10;
}

/** The text with every decimal digit written 0-9, and a fullwidth plus as `+`. */
export function westernDigits(text: string): string {
  return text.replace(OTHER_DIGIT, (ch) => (ch === '\uff0b' ? '+' : ch >= '0' && ch <= '9' ? ch : String(digitValue(ch))));
}

/**
 * The text without the separators a phone number may be written with (SPEC §1), its digits written
 * 0-9, and without invisible characters: a number copied from a chat app or a right-to-left page
 * comes wrapped in direction marks (U+202A…U+202C), and was refused though it looked right.
 */
export function stripPhoneSeparators(text: string): string {
  return westernDigits(withoutInvisible(text)).replace(PHONE_SEPARATORS, '');
}

/** Whether the text could be (part of) a phone number: digits (of any script), `+` and separators only. */
export function looksLikePhone(text: string): boolean {
  return PHONE_LIKE.test(westernDigits(withoutInvisible(text)));
}

/** E.164: `+` then 2 to 15 digits, the first not 0. A number without `+` already has its country code. */
// Digits then ".0": a phone column a spreadsheet or pandas wrote as a number (34612345676.0, where
// the column had gaps). Its dot stripped as a separator, the zero became a digit of another number.
const WRITTEN_AS_DECIMAL = /^\+?\d+\.0+$/;

export function normalizePhone(raw: string): FieldCheck<string> {
  if (WRITTEN_AS_DECIMAL.test(raw.trim())) {
    return { ok: false, error: `"${raw}" is a phone number written as a decimal number (a spreadsheet's ".0"): write it without the ".0"` };
  }
  const stripped = stripPhoneSeparators(raw.trim());
  const value = stripped.startsWith('+') ? stripped : `+${stripped}`;
  if (!E164.test(value)) {
    return { ok: false, error: `"${raw}" is not a valid phone number (E.164: + then 2 to 15 digits, the first not 0)` };
  }
  return { ok: true, value };
}

/**
 * MongoDB (and FerretDB more strictly) reject document keys that contain "." or start with "$";
 * such keys also could not be merged with a dotted $set.
 */
export function checkAttributeKey(key: string): string | undefined {
  if (!key.length) return 'attribute keys must not be empty';
  // Nobody can read, type or filter a key of spaces or of invisible characters alone (a zero-width
  // space): the definitions route trims it to nothing, and the import reads such a header as no name.
  if (!trimText(key).length) return `attribute key ${JSON.stringify(key)} must not be blank (only whitespace or invisible characters)`;
  if (key.length > 100) return `attribute key "${key.slice(0, 20)}…" is longer than 100 characters`;
  return checkNestedKey(key);
}

/**
 * A custom attribute key's problem (a contact's, a conversation's, a pre-chat field's name): as any
 * attribute key's, and no control character but tabs and line breaks — a key is listed, exported as
 * a column and shown, and a bell or an escape there was taken and defined, as invisible as a
 * zero-width key. Additional attributes keep their keys as sent.
 */
export function customAttributeKeyProblem(key: string): string | undefined {
  const problem = checkAttributeKey(key);
  if (problem) return problem;
  const control = controlCharacterProblem(key);
  return control ? `attribute key ${JSON.stringify(key)} ${control}` : undefined;
}

// JSON.parse keeps "__proto__" as an own key, but a record or object built from it by assignment
// (zod's, or a plain {}) loses it, or takes it for its prototype: the value vanished without a
// word. constructor and prototype name the same machinery. None of them is a key here.
const OBJECT_MACHINERY_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why the key cannot be an attribute key of ours (a custom attribute, an attribute object's key), or undefined. */
export function machineryKeyProblem(key: string): string | undefined {
  return OBJECT_MACHINERY_KEYS.has(key) ? `attribute key "${key}" is not allowed (__proto__, constructor and prototype are a JavaScript object's own machinery)` : undefined;
}

/**
 * A key anywhere inside an attribute's value: the server refuses "." and a leading "$" there too
 * (a 500 before, found by fuzzing), and NUL anywhere.
 */
export function checkNestedKey(key: string): string | undefined {
  if (key.includes('.') || key.startsWith('$')) return `attribute key "${key}" must not contain "." or start with "$"`;
  if (key.includes('\u0000')) return `attribute key ${JSON.stringify(key)} must not contain NUL`;
  return undefined;
}

export const MAX_ATTRIBUTE_DEPTH = 20;

/**
 * What a contact's `additional_attributes` or `custom_attributes` may hold, each: every read and
 * write of the contact decodes them whole, and the local MongoDB-wire server takes seconds over a
 * document of tens of thousands of keys (60,000 keys in 1 MB: 8–11 s to read one contact, writes
 * timing out as 503 after they had landed). Chatwoot's own hold a few dozen.
 */
export const MAX_ATTRIBUTES_BYTES = 64 * 1024;
export const MAX_ATTRIBUTES_ENTRIES = 1000;

/** An attribute hash's size: keys and list items at any depth (counted to one past the bound), and bytes as JSON. */
function attributesSize(value: Record<string, unknown>): { entries: number; bytes: number } {
  let entries = 0;
  const pending: unknown[] = [value];
  while (pending.length && entries <= MAX_ATTRIBUTES_ENTRIES) {
    const next = pending.pop();
    if (next === null || typeof next !== 'object') continue;
    const inner = Object.values(next);
    entries += inner.length;
    // One by one: a list of 500,000 items (a 1 MB body) spread into push() overflows the stack.
    if (entries <= MAX_ATTRIBUTES_ENTRIES) for (const value of inner) pending.push(value);
  }
  return { entries: Math.min(entries, MAX_ATTRIBUTES_ENTRIES + 1), bytes: Buffer.byteLength(JSON.stringify(value)) };
}

/**
 * Why an attribute hash is too big to store (JSON bytes, or keys and list items at any depth), or
 * undefined. Given the hash as it was, one already past a bound may still be written so long as
 * it does not grow: a contact a merge took past them (before merges were bounded) refused every
 * write of its attributes, a key's removal included.
 */
export function attributesSizeProblem(field: 'additional_attributes' | 'custom_attributes', value: Record<string, unknown>, before?: Record<string, unknown>): string | undefined {
  const size = attributesSize(value);
  if (size.entries <= MAX_ATTRIBUTES_ENTRIES && size.bytes <= MAX_ATTRIBUTES_BYTES) return undefined;
  if (before) {
    const was = attributesSize(before);
    if (size.entries <= was.entries && size.bytes <= was.bytes) return undefined;
  }
  if (size.entries > MAX_ATTRIBUTES_ENTRIES) {
    return `${field} would hold more than ${MAX_ATTRIBUTES_ENTRIES.toLocaleString('en-US')} keys and list items, the most a contact's ${field} may hold`;
  }
  return `${field} would take ${size.bytes.toLocaleString('en-US')} bytes as JSON; a contact's ${field} may take at most ${MAX_ATTRIBUTES_BYTES.toLocaleString('en-US')}`;
}

/**
 * The first problem with the keys inside an attribute value (objects and arrays, at most
 * MAX_ATTRIBUTE_DEPTH deep), said with where it is (`where`: the value's own place, as
 * `additional_attributes.referer`): a key deep inside was named alone, with nothing to find it by.
 */
export function checkNestedKeys(value: unknown, where: string, depth = 1): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  // Said of the attribute hash (its path would be twenty keys long).
  if (depth > MAX_ATTRIBUTE_DEPTH) return `${where.split(/[.[]/)[0]}: attribute values must not be nested more than ${MAX_ATTRIBUTE_DEPTH} deep`;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, inner] of entries) {
    const own = Array.isArray(value) ? undefined : checkNestedKey(key);
    if (own) return `${where}: ${own} (the database stores no such key)`;
    const problem = checkNestedKeys(inner, Array.isArray(value) ? `${where}[${key}]` : `${where}.${key}`, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

export const MAX_URL_LENGTH = 2048;

/** An absolute http(s) URL without spaces, at most MAX_URL_LENGTH characters. */
export function isHttpUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH || /\s/.test(value) || !/^https?:\/\//i.test(value)) return false;
  try {
    return !!new URL(value).hostname;
  } catch {
    return false;
  }
}

/**
 * avatar_url is stored as given once it is an http(s) URL and shown as `thumbnail`; it is never
 * fetched, so whether it answers or is an image is the client's to find out (Chatwoot downloads it).
 */
export function checkAvatarUrl(raw: string): FieldCheck<string> {
  const value = raw.trim();
  if (!isHttpUrl(value)) return { ok: false, error: `avatar_url must be an http(s) URL of at most ${MAX_URL_LENGTH} characters; got ${JSON.stringify(raw.slice(0, 100))}` };
  return { ok: true, value };
}

// A handle as the networks spell them (letters, digits, ".", "_", "-"; "/" for linkedin's "in/name"), with an optional "@".
const SOCIAL_HANDLE = /^@?[\p{L}\p{N}._\-/]{1,100}$/u;

/** A social profile is a handle (`chatwoot`, `@chatwoot`, `in/jane-doe`) or the profile's http(s) URL. */
export function checkSocialProfile(network: string, raw: unknown): FieldCheck<string> {
  const value = typeof raw === 'string' ? raw.trim() : undefined;
  if (value !== undefined && (SOCIAL_HANDLE.test(value) || isHttpUrl(value))) return { ok: true, value };
  return { ok: false, error: `social_profiles.${network} must be a handle or an http(s) URL; got ${JSON.stringify(raw)}` };
}

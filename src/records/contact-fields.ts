// Field rules of SPEC §1.1, as pure functions shared by the API, the import and capture.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_SEPARATORS = /[\s\-.()]/g;
const E164 = /^\+[1-9]\d{1,14}$/;

export type FieldCheck<T> = { ok: true; value: T } | { ok: false; error: string };

export function normalizeEmail(raw: string): FieldCheck<string> {
  const value = raw.trim().toLowerCase();
  if (value.length > 254 || !EMAIL.test(value)) return { ok: false, error: `"${raw}" is not a valid email address` };
  return { ok: true, value };
}

/** E.164: `+` then 2 to 15 digits, the first not 0. A number without `+` already has its country code. */
export function normalizePhone(raw: string): FieldCheck<string> {
  const stripped = raw.trim().replace(PHONE_SEPARATORS, '');
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
  if (key.length > 100) return `attribute key "${key.slice(0, 20)}…" is longer than 100 characters`;
  if (key.includes('.') || key.startsWith('$')) return `attribute key "${key}" must not contain "." or start with "$"`;
  return undefined;
}

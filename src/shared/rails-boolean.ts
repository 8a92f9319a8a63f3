/*
 * A boolean given as text or as 1/0, as Rails casts a boolean parameter (ActiveModel's Boolean):
 * a form's checkbox sends "on", others "1" or "0", "t" or "f", in any case. `blocked`, a checkbox
 * attribute's value and a filter's boolean value all read it so.
 */
const TRUE_TEXTS = new Set(['true', '1', 'on', 't']);
const FALSE_TEXTS = new Set(['false', '0', 'off', 'f']);

/** The boolean the value stands for, or the value as given (for the caller's validation to name). */
export function railsBoolean(value: unknown): unknown {
  if (value === 1) return true;
  if (value === 0) return false;
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  return TRUE_TEXTS.has(text) ? true : FALSE_TEXTS.has(text) ? false : value;
}

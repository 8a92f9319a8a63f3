import { labelTitleOf } from '../shared/label-title';

/**
 * The stored filter with the label `from` named `to` wherever a `labels` condition names it (at
 * any depth of groups; a value as text or as the dashboard's `{id, name}`, in a list or alone), or the same payload,
 * untouched, when it names no such value. A label's rename moves its contacts to the new title; a
 * segment naming the old one would find none of them afterwards.
 */
export function renameLabelInFilter(payload: unknown, from: string, to: string): unknown {
  if (!Array.isArray(payload)) return payload;
  let changed = false;
  const renamed = payload.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    const record = item as Record<string, unknown>;
    if ('group' in record) {
      const group = renameLabelInFilter(record.group, from, to);
      if (group === record.group) return item;
      changed = true;
      return { ...record, group };
    }
    if (record.attribute_key !== 'labels') return item;
    // One value given alone ("vip", or the dashboard's single choice {id, name}) is a list of one
    // to the filter; it kept the old title, and such a segment found none of the label's contacts.
    const given = record.values;
    const values = Array.isArray(given) ? given.map((value) => renamedValue(value, from, to)) : renamedValue(given, from, to);
    const same = Array.isArray(given) ? (values as unknown[]).every((value, i) => value === given[i]) : values === given;
    if (same) return item;
    changed = true;
    return { ...record, values };
  });
  return changed ? renamed : payload;
}

const names = (value: unknown, title: string) => typeof value === 'string' && labelTitleOf(value) === title;

function renamedValue(value: unknown, from: string, to: string): unknown {
  if (names(value, from)) return to;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('id' in value) || !names((value as { id: unknown }).id, from)) return value;
  const choice = value as { id: unknown; name?: unknown };
  return choice.name === undefined ? { id: to } : { id: to, name: to };
}

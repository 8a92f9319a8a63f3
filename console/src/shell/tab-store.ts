/**
 * A list kept for this tab (sessionStorage), so that what the console follows in the background
 * (a bulk job, a label's contacts moving) is followed on after a reload. What is stored and no
 * longer reads as an item is dropped.
 */
export function readTabList<T>(key: string, isItem: (value: unknown) => value is T): T[] {
  try {
    const list: unknown = JSON.parse(sessionStorage.getItem(key) ?? '[]');
    return Array.isArray(list) ? list.filter(isItem) : [];
  } catch {
    return [];
  }
}

/** Writes the list as `change` makes it from the stored one; an empty list is removed. */
export function changeTabList<T>(key: string, isItem: (value: unknown) => value is T, change: (list: T[]) => T[]): void {
  const list = change(readTabList(key, isItem));
  if (list.length) sessionStorage.setItem(key, JSON.stringify(list));
  else sessionStorage.removeItem(key);
}

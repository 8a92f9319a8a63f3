import type { FilterItem } from '../filters/filter-model';

/** Which contacts the list shows. */
export type ListSource =
  | { kind: 'all' }
  | { kind: 'filter'; payload: FilterItem[] }
  | { kind: 'segment'; id: number }
  | { kind: 'label'; title: string };

export type View =
  | { screen: 'contacts'; source: ListSource }
  | { screen: 'contact'; id: number; back: ListSource }
  | { screen: 'import' }
  | { screen: 'admin' };

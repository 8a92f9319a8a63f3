import { useState } from 'react';
import { useFocusLater } from '../shell/focus-later';
import { placeError } from './field-errors';

/**
 * The state of an administration list's rows: the row being edited (with its draft `E`), the row
 * whose delete awaits confirmation, and a row's error. An editor closed or a confirmation given
 * up gives the focus back to the button it replaced; a row deleted puts it on the panel's heading
 * (it used to fall to the page's top).
 */
export function useRowEditing<E>() {
  const [editing, setEditing] = useState<E | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [rowError, setRowError] = useState<{ id: number; error: string } | null>(null);
  // A row someone else deleted since the list was read, by name: its edit or delete answered 404,
  // shown in the API's English at a row that stayed listed.
  const [goneName, setGoneName] = useState<string | null>(null);
  const { root, focusLater } = useFocusLater<HTMLElement>();
  const closeEditor = (id: number) => {
    focusLater(`[data-focus="edit-${id}"]`);
    setEditing(null);
  };
  const giveUpDelete = (id: number) => {
    focusLater(`[data-focus="delete-${id}"]`);
    setConfirming(null);
  };
  /** The row `name` is gone (a 404): said above the list, which is read again (`changed`). */
  const rowGone = (name: string, changed: () => void) => {
    focusLater('h2');
    setEditing(null);
    setConfirming(null);
    setRowError(null);
    setGoneName(name);
    changed();
  };
  /** After a row's edit or delete went through. */
  const rowDone = () => {
    setRowError(null);
    setGoneName(null);
  };
  /** Deletes a confirmed row (`name`) by `request`; a refusal stays on its row, said in its words. */
  const removeRow = async (id: number, name: string, request: () => Promise<{ error?: unknown; response: Response }>, changed: () => void) => {
    const { error: failed, response } = await request();
    if (response.status === 404) return rowGone(name, changed);
    if (failed) {
      giveUpDelete(id);
      return setRowError({ id, error: placeError(failed, {}).form });
    }
    focusLater('h2');
    setConfirming(null);
    rowDone();
    changed();
  };
  return { editing, setEditing, confirming, setConfirming, rowError, setRowError, goneName, rowGone, rowDone, root, closeEditor, giveUpDelete, removeRow };
}

export type RowEditing<E> = ReturnType<typeof useRowEditing<E>>;

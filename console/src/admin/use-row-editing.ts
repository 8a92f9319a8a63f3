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
  const { root, focusLater } = useFocusLater<HTMLElement>();
  const closeEditor = (id: number) => {
    focusLater(`[data-focus="edit-${id}"]`);
    setEditing(null);
  };
  const giveUpDelete = (id: number) => {
    focusLater(`[data-focus="delete-${id}"]`);
    setConfirming(null);
  };
  /** Deletes a confirmed row by `request`; a refusal stays on its row, said in its words. */
  const removeRow = async (id: number, request: () => Promise<{ error?: unknown }>, changed: () => void) => {
    const { error: failed } = await request();
    if (failed) {
      giveUpDelete(id);
      return setRowError({ id, error: placeError(failed, {}).form });
    }
    focusLater('h2');
    setConfirming(null);
    setRowError(null);
    changed();
  };
  return { editing, setEditing, confirming, setConfirming, rowError, setRowError, root, closeEditor, giveUpDelete, removeRow };
}

export type RowEditing<E> = ReturnType<typeof useRowEditing<E>>;

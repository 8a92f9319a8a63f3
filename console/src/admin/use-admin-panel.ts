import { useState } from 'react';
import { withoutError, type FieldErrors } from './field-errors';
import { useRowEditing } from './use-row-editing';

/**
 * What an administration panel keeps beside its list: the new item's draft and its field errors,
 * one add at a time (a double click on Add used to answer "already exists" to the second), the
 * rows' editing, and a revision that reads the list again after a change (also telling the
 * screen, whose filters and labels depend on it).
 */
export function useAdminPanel<D extends Record<string, string>, E extends { errors: FieldErrors }>(emptyDraft: D, onChanged: () => void) {
  const [revision, setRevision] = useState(0);
  const [draft, setDraft] = useState<D>(emptyDraft);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [adding, setAdding] = useState(false);
  const rows = useRowEditing<E>();
  const { editing, setEditing } = rows;

  // Typing in a field clears that field's error, not the others'.
  const editDraft = (field: keyof D & string) => (value: string) => {
    setDraft({ ...draft, [field]: value });
    setErrors((was) => withoutError(was, field));
  };
  const editRow = (field: keyof E & string) => (value: string) => editing && setEditing({ ...editing, [field]: value, errors: withoutError(editing.errors, field) });

  const changed = () => {
    setRevision((n) => n + 1);
    onChanged();
  };

  return { revision, setRevision, draft, setDraft, errors, setErrors, adding, setAdding, rows, editDraft, editRow, changed };
}

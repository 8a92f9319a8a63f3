import { errorOf } from '../api/client';

/** A form's errors by its own field names; `form` holds one the form has no field for. */
export type FieldErrors = Record<string, string>;

/**
 * Where an API error belongs in a form: `fields` maps the API's field names (its `field`) to the
 * form's; an error of no field of the form is the form's own.
 */
export function placeError(failed: unknown, fields: Record<string, string>): FieldErrors {
  const { error, field } = errorOf(failed);
  return { [(field && fields[field]) || 'form']: error };
}

/**
 * The errors left once the user edits `field`: its own and the form's go (they were about what was
 * sent, and stayed on screen through later edits and other successful actions).
 */
export function withoutError(errors: FieldErrors, field: string): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([name]) => name !== field && name !== 'form'));
}

/** aria attributes of an input whose error may show below it. */
export const describedBy = (id: string, error: string | undefined) =>
  error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};

export function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error ? <span id={`${id}-error`} className="field-error" role="alert">{error}</span> : null;
}

/**
 * A labelled text (or colour) input, or a box of `rows` lines, with its error below it: the
 * administration forms' one field markup. Text takes its direction from what is typed (dir="auto"):
 * a label's description in Arabic was aligned and edited left to right.
 */
export function TextField(props: { id: string; label: string; value: string; error: string | undefined; onChange: (value: string) => void; type?: 'color'; autoFocus?: boolean; rows?: number }) {
  const { id, label, value, error, onChange, type, autoFocus, rows } = props;
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      {rows ? (
        <textarea id={id} dir="auto" rows={rows} value={value} autoFocus={autoFocus} {...describedBy(id, error)} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input id={id} type={type} dir={type === 'color' ? undefined : 'auto'} value={value} autoFocus={autoFocus} {...describedBy(id, error)} onChange={(e) => onChange(e.target.value)} />
      )}
      <FieldError id={id} error={error} />
    </span>
  );
}

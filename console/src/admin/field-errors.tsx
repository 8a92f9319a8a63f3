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

/** aria attributes of an input whose error may show below it. */
export const describedBy = (id: string, error: string | undefined) =>
  error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};

export function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error ? <span id={`${id}-error`} className="field-error" role="alert">{error}</span> : null;
}

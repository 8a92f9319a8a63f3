import { useState, type FormEvent } from 'react';
import { errorOf } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { escapeCancels, focusFirstControl } from '../shell/escape-cancels';
import { accountPath, useSession } from '../shell/session';
import { loadDraftRecord, newContactDraftKey, saveFormDraft } from '../contact/drafts';

// Identifier is one of the four fields a contact can rest on (the API asks for one of name, email, phone or identifier).
const FIELDS = ['name', 'email', 'phone_number', 'identifier', 'company_name', 'city', 'country'] as const;
type Field = (typeof FIELDS)[number];
const IDENTITY: Field[] = ['name', 'email', 'phone_number', 'identifier'];

/** POST /contacts; the API's 422 is shown at the field it names. */
export function NewContactForm({ onCreated, onCancel }: { onCreated: (id: number) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  // Kept as typed until created or given up (see drafts.ts): a Create that met an ended session lost it.
  const draftKey = newContactDraftKey(session);
  const [values, setValuesState] = useState<Record<Field, string>>(() => {
    const kept = loadDraftRecord(draftKey);
    return Object.fromEntries(FIELDS.map((field) => [field, typeof kept[field] === 'string' ? kept[field] : ''])) as Record<Field, string>;
  });
  const setValues = (next: Record<Field, string>) => {
    setValuesState(next);
    saveFormDraft(draftKey, next);
  };
  const forgetDraft = () => saveFormDraft(draftKey, null);
  const cancel = () => {
    forgetDraft();
    onCancel();
  };
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  // One create at a time: a double click on Create used to make the contact twice.
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const body: Partial<Record<Field, string>> = {};
    for (const field of FIELDS) if (values[field].trim()) body[field] = values[field].trim();
    // Said here, in the console's words: the API's refusal names its fields in English (phone_number).
    if (!IDENTITY.some((field) => body[field])) return setErrors({ form: t('contactNeedsIdentity') });
    setBusy(true);
    const { data, error } = await session.client.POST('/api/v1/accounts/{account_id}/contacts', { params: { path: accountPath(session) }, body });
    setBusy(false);
    if (error || !data) {
      const { error: message, field } = errorOf(error);
      return setErrors({ [field && FIELDS.includes(field as Field) ? field : 'form']: message });
    }
    forgetDraft();
    onCreated(data.payload.contact.id);
  }

  return (
    <form className="panel new-contact" ref={focusFirstControl} onSubmit={submit} aria-labelledby="new-contact-title" noValidate onKeyDown={escapeCancels(cancel)}>
      <h2 id="new-contact-title">{t('newContact')}</h2>
      <div className="fields">
        {/* The error sits beside the label, not in it: inside, it became part of the field's name. */}
        {FIELDS.map((field) => (
          <span key={field} className="new-contact-field">
            <label>
              {t(field as MessageKey)}
              <input
                name={field}
                type={field === 'email' ? 'email' : field === 'phone_number' ? 'tel' : 'text'}
                // A name, company or place in Arabic or Hebrew is written right to left.
                dir={field === 'email' || field === 'phone_number' ? undefined : 'auto'}
                value={values[field]}
                aria-invalid={errors[field] ? true : undefined}
                aria-describedby={errors[field] ? `new-${field}-error` : undefined}
                onChange={(e) => setValues({ ...values, [field]: e.target.value })}
              />
            </label>
            {errors[field] && <span id={`new-${field}-error`} className="field-error" role="alert">{errors[field]}</span>}
          </span>
        ))}
      </div>
      {errors.form && <p role="alert" className="error">{errors.form}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>{t('create')}</button>
        <button type="button" onClick={cancel}>{t('cancel')}</button>
      </div>
    </form>
  );
}

import { useEffect, useRef, useState } from 'react';
import { errorOf, type Contact, type ContactPatch } from '../api/client';
import { dayOfDateValue } from './date-value';
import type { CustomAttributeDefinition } from '../filters/use-filter-attributes';
import { useI18n } from '../i18n/i18n';
import { saidKey, verbatim, type Said } from '../i18n/said';
import { parseTypedNumber } from '../i18n/typed-number';
import type { MessageKey } from '../i18n/messages';
import { accountPath, useSession } from '../shell/session';
import { DayShown } from '../i18n/day-shown';
import { fieldDraftsKey, loadDraftRecord, saveFieldDraft } from './drafts';

const TOP_LEVEL = ['name', 'email', 'phone_number', 'identifier'] as const;
const ADDITIONAL = ['company_name', 'city', 'country', 'country_code', 'description'] as const;
const SOCIAL_NETWORKS = ['facebook', 'twitter', 'linkedin', 'github', 'instagram'] as const;

/** What a save of `body` writes, as `contact` holds it: compared before and after another user's write. */
function heldFor(contact: Contact, body: Record<string, unknown>): string {
  const additional = contact.additional_attributes as Record<string, unknown>;
  const custom = contact.custom_attributes as Record<string, unknown>;
  const held = Object.entries(body).map(([key, value]) => {
    if (key === 'custom_attributes') return Object.keys(value as object).map((k) => custom[k] ?? null);
    if (key === 'additional_attributes') return Object.keys(value as object).map((k) => additional[k] ?? null);
    if ((ADDITIONAL as readonly string[]).includes(key)) return additional[key] ?? null;
    return (contact as unknown as Record<string, unknown>)[key] ?? null;
  });
  return JSON.stringify(held);
}

/** What a save of `body` sends, in the shape heldFor reads the contact: equal when the contact already holds it. */
function sentFor(body: Record<string, unknown>): string {
  const sent = Object.entries(body).map(([key, value]) =>
    key === 'custom_attributes' || key === 'additional_attributes' ? Object.values(value as object).map((v: unknown) => v ?? null) : (value ?? null),
  );
  return JSON.stringify(sent);
}

/** Each field edited in place: saved (PATCH, that field only) when it loses focus or on Enter; the API's error shown at it. */
export function DetailsForm({ contact, etag, definitions, definitionsError, onSaved, onStale, onDefinitionsStale }: {
  contact: Contact;
  /** The ETag the contact was read or last saved with: each save is written only if nobody wrote since (If-Match). */
  etag: string | null;
  definitions: CustomAttributeDefinition[];
  /** Why the definitions could not be read: the contact's custom attributes cannot be shown, and that is said. */
  definitionsError?: string | null;
  onSaved: (contact: Contact, etag: string | null) => void;
  /** Someone else wrote the contact since it was read: it is to be read again. */
  onStale: () => void;
  /** A definition shown here was deleted since the definitions were read: they are to be read again. */
  onDefinitionsStale: () => void;
}) {
  const { t, language, say } = useI18n();
  // A number as the console's language writes it, without grouping (3,5 in Spanish): read back by commit.
  const formatDecimal = (n: number) => (language === 'es' ? String(n).replace('.', ',') : String(n));
  const session = useSession();
  // Edits whose save met an ended session, kept in this tab as typed and shown again after signing
  // in (the sign-in screen took the form's place, and the edit was lost without a word).
  const draftsKey = fieldDraftsKey(session, contact.id);
  const [unsaved, setUnsaved] = useState(() => loadDraftRecord(draftsKey));
  const keepUnsaved = (field: string, text: string | null) => {
    saveFieldDraft(draftsKey, field, text);
    setUnsaved(loadDraftRecord(draftsKey));
  };
  // The text each field last committed, by field: what is kept when its save meets a 401.
  const typed = useRef<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, Said>>({});
  const [savedField, setSavedField] = useState<string | null>(null);
  // A custom attribute whose save was refused because it had been deleted meanwhile.
  const [goneAttribute, setGoneAttribute] = useState<string | null>(null);
  // The box follows a click at once (a checkbox that waits for the API seems not to take it), back if refused.
  const [blocked, setBlocked] = useState(contact.blocked);
  const [blockedBase, setBlockedBase] = useState(contact.blocked);
  if (contact.blocked !== blockedBase) {
    setBlockedBase(contact.blocked);
    setBlocked(contact.blocked);
  }

  // Saves go one after another, each on the version the one before wrote: a field left with Tab
  // while the previous save is in flight must not be refused as someone else's change.
  const version = useRef(etag);
  useEffect(() => {
    version.current = etag;
  }, [etag]);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  function save(field: string, body: Record<string, unknown>): Promise<boolean> {
    const run = queue.current.then(() => send(field, body));
    queue.current = run.catch(() => undefined);
    return run;
  }

  /** True when saved: the field then shows the value as the API stored it (an email lowercased). */
  async function send(field: string, body: Record<string, unknown>): Promise<boolean> {
    const path = { ...accountPath(session), id: contact.id };
    // One field at a time, named at run time: the API checks it (422 naming the field).
    const patch = () =>
      session.client.PATCH('/api/v1/accounts/{account_id}/contacts/{id}', { params: { path, header: version.current ? { 'if-match': version.current } : {} }, body: body as ContactPatch });
    let { data, error, response } = await patch();
    if (response.status === 412) {
      // Another write came first. When it left what this save writes as the screen showed it (a
      // bulk label, a message), the save is made on it; it was refused as a conflict, and a bulk
      // action over thousands of contacts refused every agent's edit of the ones it touched.
      const fresh = await session.client.GET('/api/v1/accounts/{account_id}/contacts/{id}', { params: { path } });
      if (fresh.data && heldFor(fresh.data.payload, body) === heldFor(contact, body)) {
        version.current = fresh.response.headers.get('ETag');
        ({ data, error, response } = await patch());
      } else if (fresh.data && heldFor(fresh.data.payload, body) === sentFor(body)) {
        // It holds what this save sends: this user's own save, whose answer was lost (the network
        // dropped it), landed. It was called someone else's change.
        version.current = fresh.response.headers.get('ETag');
        ({ data, error, response } = { data: fresh.data, error: undefined, response: fresh.response });
      }
    }
    if (response.status === 401) {
      // The sign-in screen takes the form's place (client.ts); the edit waits for the next sign-in.
      if (typed.current[field] !== undefined) saveFieldDraft(draftsKey, field, typed.current[field]);
      return false;
    }
    if (response.status === 412) {
      // Written over, the other user's change (a social profile sent back from this screen) was lost.
      setErrors({ ...errors, [field]: saidKey('contactChangedMeanwhile') });
      setSavedField(null);
      onStale();
      return false;
    }
    if (error || !data) {
      // The contact is gone (deleted or merged away): the screen reads it again and says so.
      if (response.status === 404) onStale();
      const failure = errorOf(error);
      const refused = verbatim(failure.error);
      setErrors({ ...errors, [failure.field ?? field]: refused, ...(failure.field && failure.field !== field ? { [field]: refused } : {}) });
      setSavedField(null);
      return false;
    }
    const rest = { ...errors };
    delete rest[field];
    setErrors(rest);
    if (Object.hasOwn(unsaved, field)) keepUnsaved(field, null);
    setSavedField(field);
    version.current = response.headers.get('ETag');
    onSaved(data.payload, version.current);
    return true;
  }

  /**
   * A custom attribute is saved only while it is defined: a key sent from a screen that still shows
   * a deleted definition would define it again (keys are defined on first use) and bring its old
   * values back into filters.
   */
  async function saveCustom(field: string, key: string, label: string, value: unknown): Promise<boolean> {
    const { data: current } = await session.client.GET('/api/v1/accounts/{account_id}/custom_attribute_definitions', { params: { path: accountPath(session) } });
    if (current && !(current as CustomAttributeDefinition[]).some((d) => d.attribute_key === key)) {
      // Said above the attributes: the field goes with the definitions read again, its error with it.
      setGoneAttribute(label);
      setSavedField(null);
      onDefinitionsStale();
      return false;
    }
    setGoneAttribute(null);
    return save(field, { custom_attributes: { [key]: value } });
  }

  /** A field's error, saved mark and unsaved text, and its commit, which notes the text it sends. */
  const stateOf = (field: string, commit: (raw: string) => Promise<boolean>) => ({
    error: say(errors[field]) || undefined,
    saved: savedField === field,
    unsaved: unsaved[field],
    onDiscard: () => keepUnsaved(field, null),
    onCommit: (raw: string) => {
      typed.current[field] = raw;
      return commit(raw);
    },
  });

  const additional = contact.additional_attributes as Record<string, unknown>;
  const custom = contact.custom_attributes as Record<string, unknown>;
  const social = (additional.social_profiles ?? {}) as Record<string, string>;
  // The API replaces social_profiles as a whole: the others are sent along, an empty one drops that network.
  const saveSocial = (network: string, value: string) =>
    save(`additional_attributes.social_profiles.${network}`, { additional_attributes: { social_profiles: { ...social, [network]: value === '' ? null : value } } });

  return (
    <section aria-labelledby="details-title" className="panel details">
      <h2 id="details-title">{t('details')}</h2>
      <div className="fields">
        {TOP_LEVEL.map((field) => (
          <InPlaceField key={field} id={field} label={t(field)} value={contact[field] ?? ''}
            {...stateOf(field, (value) => save(field, { [field]: value === '' ? null : value }))} />
        ))}
        {ADDITIONAL.map((field) => (
          <InPlaceField key={field} id={field} label={t(field as MessageKey)} value={String(additional[field] ?? '')}
            {...stateOf(field, (value) => save(field, { [field]: value === '' ? null : value }))} />
        ))}
        <div className="field">
          <label className="checkbox">
            <input type="checkbox" checked={blocked} aria-describedby="blocked-hint"
              onChange={(e) => {
                const next = e.target.checked;
                setBlocked(next);
                void save('blocked', { blocked: next }).then((saved) => saved || setBlocked(!next));
              }} />
            {t('blocked')}
          </label>
          <span id="blocked-hint" className="hint">{t('blockedHint')}</span>
          {errors.blocked && <span className="field-error" role="alert">{say(errors.blocked)}</span>}
          {savedField === 'blocked' && !errors.blocked && <span className="saved" role="status">{t('saved')}</span>}
        </div>
      </div>
      <h3>{t('socialProfiles')}</h3>
      <div className="fields">
        {SOCIAL_NETWORKS.map((network) => {
          const field = `additional_attributes.social_profiles.${network}`;
          return (
            <InPlaceField key={network} id={`social_profiles.${network}`} label={t(`social_profiles.${network}`)} value={social[network] ?? ''}
              {...stateOf(field, (value) => saveSocial(network, value))} />
          );
        })}
      </div>
      {(definitions.length > 0 || definitionsError || goneAttribute) && <h3>{t('customAttributes')}</h3>}
      {goneAttribute && <p role="alert" className="error" data-testid="attribute-gone">{t('attributeDeletedMeanwhile', { name: goneAttribute })}</p>}
      {definitionsError && <p role="alert" className="error" data-testid="custom-attributes-error">{t('attributesReadFailed', { message: definitionsError })}</p>}
      <div className="fields">
        {definitions.map((d) => {
          const field = `custom_attributes.${d.attribute_key}`;
          // Own values only: an attribute named toString or valueOf read the object's method.
          const current = Object.hasOwn(custom, d.attribute_key) ? custom[d.attribute_key] : undefined;
          const commit = (raw: string) => {
            // As the language writes numbers (3,5 and 2.500 in Spanish, 2,500 in English); text that is no number goes as typed, for the API to refuse.
            const number = d.attribute_display_type === 'number' ? parseTypedNumber(raw, language) : raw;
            const value = raw === '' ? null : typeof number === 'number' ? number : d.attribute_display_type === 'checkbox' ? raw === 'true' : raw;
            return saveCustom(field, d.attribute_key, d.attribute_display_name || d.attribute_key, value);
          };
          return (
            <InPlaceField key={d.id} id={field} label={d.attribute_display_name || d.attribute_key} value={current == null ? '' : d.attribute_display_type === 'date' ? dayOfDateValue(current) : d.attribute_display_type === 'number' && typeof current === 'number' ? formatDecimal(current) : String(current)}
              options={d.attribute_display_type === 'list' ? d.attribute_values : d.attribute_display_type === 'checkbox' ? ['true', 'false'] : undefined}
              optionLabel={d.attribute_display_type === 'checkbox' ? (o) => t(o === 'true' ? 'true' : 'false') : undefined}
              type={d.attribute_display_type === 'date' ? 'date' : 'text'} {...stateOf(field, commit)} />
          );
        })}
      </div>
    </section>
  );
}

function InPlaceField({ id, label, value, error, saved, unsaved, options, optionLabel = (o) => o, type = 'text', onCommit, onDiscard }: {
  id: string;
  label: string;
  value: string;
  error?: string;
  saved: boolean;
  /** Text this field sent when the session had ended, shown in it again until saved or dropped. */
  unsaved?: string;
  /** The unsaved text is dropped (Escape, or the field already holds it). */
  onDiscard: () => void;
  options?: string[];
  /** What an option shows (a checkbox's true and false in the console's language); its value otherwise. */
  optionLabel?: (option: string) => string;
  type?: string;
  onCommit: (value: string) => Promise<boolean>;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(unsaved ?? value);
  // The value the draft was last taken from; null after a save, so that the stored value
  // replaces the draft even when it equals the previous one (EVE@x.com saved as eve@x.com).
  const [base, setBase] = useState<string | null>(value);
  // A new value from the API (after a save here or elsewhere) replaces the draft.
  if (value !== base) {
    setBase(value);
    setDraft(value);
  }
  // Escape gives up the edit, and with it the error the API gave that edit (until the next save).
  const [errorDismissed, setErrorDismissed] = useState(false);
  const shownError = errorDismissed ? undefined : error;
  const save = (next: string) => {
    setErrorDismissed(false);
    void onCommit(next).then((saved) => saved && setBase(null));
  };
  const commit = () => {
    if (draft.trim() !== value) save(draft.trim());
    else if (unsaved !== undefined) onDiscard();
  };
  const discard = () => {
    setDraft(value);
    setErrorDismissed(true);
    if (unsaved !== undefined) onDiscard();
  };
  const waiting = unsaved !== undefined && draft === unsaved && !shownError;
  const inputId = `field-${id}`;
  const described = shownError ? `${inputId}-error` : waiting ? `${inputId}-unsaved` : undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {options ? (
        <select id={inputId} value={draft} aria-invalid={shownError ? true : undefined} aria-describedby={described}
          onChange={(e) => { setDraft(e.target.value); if (e.target.value !== value) save(e.target.value); }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && waiting) { e.preventDefault(); commit(); }
            if (e.key === 'Escape' && waiting) { e.preventDefault(); discard(); }
          }}>
          <option value="">—</option>
          {options.map((o) => (
            <option key={o} value={o}>{optionLabel(o)}</option>
          ))}
          {/* A value the list no longer offers (its values edited since) is shown as held, not as "—". */}
          {value !== '' && !options.includes(value) && <option value={value}>{optionLabel(value)}</option>}
        </select>
      ) : (
        <input id={inputId} type={type} dir={type === 'text' ? 'auto' : undefined} value={draft} aria-invalid={shownError ? true : undefined} aria-describedby={described}
          onChange={(e) => setDraft(e.target.value)} onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') { e.preventDefault(); commit(); }
            // Escape gives up the edit: the field shows the stored value again.
            if (e.key === 'Escape') { e.preventDefault(); discard(); }
          }} />
      )}
      {type === 'date' && <DayShown day={draft} />}
      {shownError && <span id={described} className="field-error" role="alert">{shownError}</span>}
      {waiting && <span id={described} className="field-error unsaved" role="status">{t('unsavedAfterSignIn')}</span>}
      {saved && !error && <span className="saved" role="status">{t('saved')}</span>}
    </div>
  );
}

import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { errorOf, type Contact } from '../api/client';
import { useDefinitionsRead, useLabelTitles } from '../filters/use-filter-attributes';
import { useI18n } from '../i18n/i18n';
import { saidKey, verbatim, type Said } from '../i18n/said';
import { focusIsLost, useFocusLater } from '../shell/focus-later';
import { accountPath, useSession } from '../shell/session';
import { DetailsForm } from './details-form';
import { MessagesSection } from './messages-section';
import { NotesSection } from './notes-section';
import { contactTitle } from './contact-title';

/** `onDeleted`: the contact was deleted here, or found gone; the lists leave it out while the index catches up. */
export function ContactScreen({ id, onBack, onChanged, onDeleted }: { id: number; onBack: () => void; onChanged: () => void; onDeleted: (id: number) => void }) {
  const { t, formatDate, say } = useI18n();
  const session = useSession();
  const [definitionsRevision, setDefinitionsRevision] = useState(0);
  const { definitions, error: definitionsError } = useDefinitionsRead(definitionsRevision);
  const [contact, setContact] = useState<Contact | null>(null);
  // The version the screen shows: the details form writes only if nobody wrote since (If-Match).
  const [etag, setEtag] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Deleted (or merged away) while it was open: said once above it, where each save said "contact N
  // not found" at its own field and the screen stayed as if nothing had happened.
  const [gone, setGone] = useState(false);
  const [newLabel, setNewLabel] = useState('');
  const [labelError, setLabelError] = useState<string | null>(null);
  const [mergeeId, setMergeeId] = useState('');
  // A refused merge is said in the merge panel, at the id that caused it (it used to show at the
  // page's top, far from the panel, with the focus lost on the page).
  const [mergeError, setMergeError] = useState<Said | null>(null);
  // The contact the confirmation names (read when Merge is pressed: a mistyped id shows whom it
  // would delete), and what the last merge did.
  const [mergee, setMergee] = useState<{ id: number; name: string } | null>(null);
  const [mergedNote, setMergedNote] = useState<Said | null>(null);
  const [confirming, setConfirming] = useState<'merge' | 'delete' | null>(null);
  const [reload, setReload] = useState(0);
  const labelTitles = useLabelTitles(reload);
  // A merge or delete under way: the second click of a double click on Confirm used to answer 404.
  const [busy, setBusy] = useState(false);
  const path = { ...accountPath(session), id };
  const { root, focusLater } = useFocusLater<HTMLDivElement>();
  // Opened from the list (whose link is gone with it): the contact's name takes the lost focus once shown.
  const titleRef = useRef<HTMLHeadingElement | null>(null);
  const shown = contact !== null;
  useEffect(() => {
    if (shown && focusIsLost()) titleRef.current?.focus();
  }, [shown]);

  /** Reads the contact and the version the details form writes on (If-Match); answers whether it is gone. */
  const readContact = useCallback(async (): Promise<boolean> => {
    const { data, error: failed, response } = await session.client.GET('/api/v1/accounts/{account_id}/contacts/{id}', { params: { path: { ...accountPath(session), id } } });
    if (response.status === 404) {
      setGone(true);
      onDeleted(id);
      // Deleted by someone else: the list this screen goes back to reads the search index again
      // over the next seconds, as after a delete made here. Read once, on Back, it could come
      // before the sync had dropped the contact, and went on showing it.
      onChanged();
    }
    if (!data) {
      setError(errorOf(failed).error);
      return response.status === 404;
    }
    setGone(false);
    setContact(data.payload);
    setEtag(response.headers.get('ETag'));
    return false;
  }, [session, id, onChanged, onDeleted]);
  useEffect(() => {
    void readContact();
  }, [readContact, reload]);

  // One label change at a time: a double Enter in the label box sent it twice (the second then
  // refused as stale and sent again).
  const changingLabels = useRef(false);

  /**
   * Adds or removes a label: `change` makes the new set from the one the contact holds. The set is
   * sent with the version it was read at (If-Match): sent as shown, a label another user (or a bulk
   * action) had added meanwhile was taken off without a word. Refused as stale, the contact is read
   * again and the change made on what it holds now.
   */
  async function changeLabels(change: (held: string[]) => string[]) {
    if (!contact || changingLabels.current) return;
    changingLabels.current = true;
    try {
      await writeLabels(contact, change);
    } finally {
      changingLabels.current = false;
    }
  }

  async function writeLabels(contact: Contact, change: (held: string[]) => string[]) {
    let held = contact.labels;
    let tag = etag;
    for (let attempt = 1; ; attempt++) {
      const { data, error: failed, response } = await session.client.POST('/api/v1/accounts/{account_id}/contacts/{id}/labels', {
        params: { path, header: tag ? { 'if-match': tag } : {} },
        body: { labels: change(held) },
      });
      if (response.status === 412 && attempt < 3) {
        const fresh = await session.client.GET('/api/v1/accounts/{account_id}/contacts/{id}', { params: { path } });
        if (!fresh.data) return setLabelError(errorOf(fresh.error).error);
        held = fresh.data.payload.labels;
        tag = fresh.response.headers.get('ETag');
        continue;
      }
      if (!failed && data) break;
      // Gone meanwhile: said once above the screen, not as "contact N not found" at the box.
      if (response.status === 404 && (await readContact())) return setLabelError(null);
      // Said at the label box, which keeps the text (it used to show at the page's top, away from it).
      return setLabelError(errorOf(failed).error);
    }
    setLabelError(null);
    setNewLabel('');
    // Labels are written on the contact: it is read again, for the version the details form writes
    // on, before the new labels show (an edit made as soon as they show was refused as someone else's).
    await readContact();
    onChanged();
  }

  async function askMerge() {
    const mergeeNumber = Number(mergeeId);
    setMergedNote(null);
    // Refused at Merge, as an unknown id is: a confirmation that says this contact will be deleted was misleading.
    if (mergeeNumber === id) {
      focusLater('#mergee-id');
      return setMergeError(saidKey('mergeSelf'));
    }
    const { data, error: failed, response } = await session.client.GET('/api/v1/accounts/{account_id}/contacts/{id}', {
      params: { path: { ...accountPath(session), id: mergeeNumber } },
    });
    if (failed || !data) {
      focusLater('#mergee-id');
      // In the console's words: the API's "contact 99999 not found" showed in English in the Spanish console.
      return setMergeError(response.status === 404 ? saidKey('mergeeNotFound', { id: mergeeNumber }) : verbatim(errorOf(failed).error));
    }
    const other = data.payload;
    setMergee({ id: other.id, name: contactTitle(other) });
    setConfirming('merge');
  }

  async function merge() {
    if (busy || !mergee) return;
    setBusy(true);
    const { error: failed } = await session.client.POST('/api/v1/accounts/{account_id}/actions/contact_merge', {
      params: { path: accountPath(session) },
      body: { base_contact_id: id, mergee_contact_id: mergee.id },
    });
    setBusy(false);
    setConfirming(null);
    // Either way the confirmation is gone with the focus on it: the focus goes to the id's box.
    focusLater('#mergee-id');
    if (failed) return setMergeError(verbatim(errorOf(failed).error));
    setMergeError(null);
    setMergedNote(saidKey('merged', { name: mergee.name, id: mergee.id }));
    setMergee(null);
    setMergeeId('');
    setReload((n) => n + 1);
    onChanged();
  }

  async function remove() {
    if (busy) return;
    setBusy(true);
    const { error: failed } = await session.client.DELETE('/api/v1/accounts/{account_id}/contacts/{id}', { params: { path } });
    setBusy(false);
    if (failed) return setError(errorOf(failed).error);
    onDeleted(id);
    onChanged();
    onBack();
  }

  // A confirmation given up gives the focus back to the button it replaced.
  const giveUp = () => {
    focusLater(`[data-focus="${confirming}"]`);
    setConfirming(null);
  };
  const cancelOnEscape = (event: KeyboardEvent) => {
    if (event.key === 'Escape') giveUp();
  };

  // A contact that cannot be read (deleted meanwhile, a stale link) still leads back to the list.
  if (!contact) {
    return error ? (
      <div className="contact-screen">
        <div className="toolbar">
          <button type="button" onClick={onBack}>← {t('back')}</button>
        </div>
        <p role="alert" className="error" data-testid={gone ? 'contact-gone' : undefined}>{gone ? t('contactNotFound') : error}</p>
      </div>
    ) : <p>{t('loading')}</p>;
  }

  return (
    <div className="contact-screen" ref={root}>
      <div className="toolbar">
        <button type="button" onClick={onBack}>← {t('back')}</button>
        <h1 tabIndex={-1} ref={titleRef}>{contactTitle(contact)}</h1>
        {contact.blocked && <span className="blocked-marker" data-testid="blocked-marker">{t('blocked')}</span>}
        <span className="muted" data-testid="contact-dates">
          #{contact.id} · {t('created_at')} {formatDate(contact.created_at)}
          {contact.last_activity_at ? <> · {t('last_activity_at')} {formatDate(contact.last_activity_at)}</> : null}
        </span>
      </div>
      {gone ? (
        <p role="alert" className="error" data-testid="contact-gone">{t('contactGone')}</p>
      ) : (
        error && <p role="alert" className="error">{error}</p>
      )}
      <div className="columns">
        <div>
          <DetailsForm key={contact.id} contact={contact} definitions={definitions} definitionsError={definitionsError} onSaved={(c, tag) => { setContact(c); setEtag(tag); onChanged(); }}
            etag={etag} onStale={() => void readContact()} onDefinitionsStale={() => setDefinitionsRevision((n) => n + 1)} />
          <section aria-labelledby="labels-title" className="panel">
            <h2 id="labels-title">{t('labels')}</h2>
            <ul className="chips">
              {contact.labels.map((label) => (
                <li key={label} className="chip">
                  {label}
                  <button
                    type="button"
                    aria-label={`${t('removeLabel')} ${label}`}
                    onClick={() => {
                      // The chip goes with its button: the focus goes to the label box.
                      focusLater('#contact-label-input');
                      void changeLabels((held) => held.filter((l) => l !== label));
                    }}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
            <form onSubmit={(e) => {
              e.preventDefault();
              const title = newLabel.trim().toLowerCase();
              if (title) void changeLabels((held) => (held.includes(title) ? held : [...held, title]));
            }}>
              <label>
                {t('labelTitle')}
                <input id="contact-label-input" dir="auto" value={newLabel} list="contact-label-titles"
                  aria-invalid={labelError ? true : undefined} aria-describedby={labelError ? 'contact-label-error' : undefined}
                  onChange={(e) => setNewLabel(e.target.value)} />
              </label>
              {/* The account's labels offered as the label is typed (a typo would make a new label). */}
              <datalist id="contact-label-titles">{labelTitles.map((title) => <option key={title} value={title} />)}</datalist>
              <button type="submit" disabled={!newLabel.trim()}>{t('addLabel')}</button>
              {labelError && <p id="contact-label-error" role="alert" className="field-error">{labelError}</p>}
            </form>
          </section>
          <section aria-labelledby="merge-title" className="panel">
            <h2 id="merge-title">{t('merge')}</h2>
            <p className="hint">{t('mergeHint')}</p>
            <label>
              {t('mergeeId')}
              <input id="mergee-id" inputMode="numeric" value={mergeeId}
                aria-invalid={mergeError ? true : undefined} aria-describedby={mergeError ? 'merge-error' : undefined}
                onChange={(e) => { setMergeeId(e.target.value); setMergeError(null); setMergedNote(null); }} />
            </label>
            {mergeError && <p id="merge-error" role="alert" className="field-error" data-testid="merge-error">{say(mergeError)}</p>}
            {mergedNote && <p role="status" className="saved" data-testid="merge-done">{say(mergedNote)}</p>}
            {confirming === 'merge' && mergee ? (
              <span onKeyDown={cancelOnEscape}>
                <p data-testid="merge-confirm">{t('confirmMerge', { name: mergee.name, id: mergee.id })}</p>
                <button type="button" className="danger" disabled={busy} aria-busy={busy} onClick={merge}>{t('confirm')}</button>
                <button type="button" autoFocus onClick={giveUp}>{t('cancel')}</button>
              </span>
            ) : (
              <button type="button" data-focus="merge" disabled={!/^\d+$/.test(mergeeId)} onClick={() => void askMerge()}>{t('merge')}</button>
            )}
          </section>
          <section className="panel">
            {session.role !== 'administrator' ? (
              <p className="muted">{t('deleteContact')}: {t('administratorsOnly')}</p>
            ) : confirming === 'delete' ? (
              <span onKeyDown={cancelOnEscape}>
                <span>{t('confirmDeleteContact')}</span>{' '}
                <button type="button" className="danger" disabled={busy} aria-busy={busy} onClick={remove}>{t('confirm')}</button>
                <button type="button" autoFocus onClick={giveUp}>{t('cancel')}</button>
              </span>
            ) : (
              <button type="button" className="danger" data-focus="delete" onClick={() => setConfirming('delete')}>{t('deleteContact')}</button>
            )}
          </section>
        </div>
        <div>
          <NotesSection contactId={contact.id} refresh={reload} isGone={readContact} />
          <MessagesSection contactId={contact.id} blocked={contact.blocked} refresh={reload} addresses={`${contact.email ?? ''} ${contact.phone_number ?? ''}`}
            onSent={readContact} isGone={readContact} />
        </div>
      </div>
    </div>
  );
}

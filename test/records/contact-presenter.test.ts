import { ONLINE_WINDOW_SECONDS, toContactPayload, withAvailability, type ContactPayload } from '../../src/records/contact.presenter';
import { newContact } from '../../src/contacts/new-contact';

const T = 1_800_000_000;
const at = (seconds: number) => new Date(seconds * 1000);
const stored = (lastSeenAt: number | null | undefined): ContactPayload => {
  const payload = toContactPayload(newContact(1, 1, { name: 'A' }, [], at(T - 86400)), at(T - 86400));
  if (lastSeenAt === undefined) delete (payload as Partial<ContactPayload>).last_seen_at;
  else payload.last_seen_at = lastSeenAt;
  return payload;
};

describe('availability, derived from last_seen_at when a contact is answered', () => {
  it('when the contact was seen within the window, then it is online; at the window or later, offline', () => {
    expect(withAvailability(stored(T), at(T + ONLINE_WINDOW_SECONDS - 1)).availability_status).toBe('online');
    expect(withAvailability(stored(T), at(T + ONLINE_WINDOW_SECONDS)).availability_status).toBe('offline');
  });

  it('when a payload stored online is read later, then it is offline: the stored status is never trusted', () => {
    const indexed = { ...stored(T), availability_status: 'online' as const };
    expect(withAvailability(indexed, at(T + 3600))).toMatchObject({ availability_status: 'offline', last_seen_at: T });
  });

  it('when a payload was indexed before last_seen_at existed, then it answers null and offline', () => {
    expect(withAvailability(stored(undefined), at(T))).toMatchObject({ availability_status: 'offline', last_seen_at: null });
  });

  it('when a contact is presented from MongoDB, then the same rule applies', () => {
    const contact = { ...newContact(2, 1, { name: 'B' }, [], at(T - 10)), last_seen_at: at(T - 10) };
    expect(toContactPayload(contact, at(T))).toMatchObject({ availability_status: 'online', last_seen_at: T - 10 });
    expect(toContactPayload({ ...contact, last_seen_at: null }, at(T)).availability_status).toBe('offline');
  });
});

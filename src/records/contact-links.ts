/**
 * What belongs to a contact besides its notes, listed in `contact_links` (see shared/id-lists):
 * one document per contact and kind, `_id` = `<contact id>:<kind>`, holding the records' ids.
 */
export type ContactLinkKind = 'contact_inboxes' | 'conversations';

export const contactLinksId = (contactId: number, kind: ContactLinkKind) => `${contactId}:${kind}`;

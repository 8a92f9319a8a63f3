import { createHash } from 'node:crypto';
import { PreconditionFailedError } from '../shared/errors';
import type { ResponseSpec } from '../shared/route';

/*
 * Optimistic concurrency for clients that edit a contact they read a while ago (the console's
 * open contact screen, a script's read-change-write): GET and PATCH answer an ETag, and a PATCH
 * or PUT sent with If-Match is written only if the contact is still at that version (the write is
 * conditional on the version read, so nothing can come in between), else 412. Without If-Match a
 * write is as Chatwoot's: the last one wins per field.
 *
 * The tag is the contact's version and a digest of the answer: the version alone would tell a
 * browser's revalidation (If-None-Match) that nothing changed while the answer did (its contact
 * inboxes, availability_status, which is computed from the time). If-Match compares the version.
 */

/** A response that carries the contact's ETag, as the API document shows it. */
export const withContactETag = (response: ResponseSpec): ResponseSpec => ({
  ...response,
  headers: { ETag: { description: "the contact's version and a digest of this answer: send it as If-Match on a later write of the contact to write only if nobody wrote since", schema: { type: 'string' } } },
});

export function contactETag(version: number, answer: unknown): string {
  const digest = createHash('sha1').update(JSON.stringify(answer)).digest('base64url').slice(0, 12);
  return `"${version}-${digest}"`;
}

/** The versions an If-Match header accepts: undefined for any (`*`, or no header); tags not ours (weak ones included, which If-Match never matches) accept none. */
export function versionsOf(ifMatch: string | undefined): number[] | undefined {
  if (ifMatch === undefined) return undefined;
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.includes('*')) return undefined;
  return tags.flatMap((tag) => {
    const version = /^"(\d{1,15})-[A-Za-z0-9_-]*"$/.exec(tag)?.[1];
    return version === undefined ? [] : [Number(version)];
  });
}

/** Throws the 412 unless the contact, as read now, is at a version the caller's If-Match accepts. */
export function checkIfMatch(accepted: number[] | undefined, id: number, version: number): void {
  if (accepted === undefined || accepted.includes(version)) return;
  // A tag not of this service says nothing of a change: it said "changed since the tag given was read" of a contact never changed.
  if (!accepted.length) {
    throw new PreconditionFailedError(
      `If-Match names no ETag of contact ${id}: it takes a tag this service answered for the contact, "<version>-<digest>" (a weak tag, W/"…", never matches); the contact is at version ${version}`,
    );
  }
  throw new PreconditionFailedError(`contact ${id} changed since version ${accepted.join(' or ')} was read (it is at version ${version} now); read it again and reapply the change`);
}

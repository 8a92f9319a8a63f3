import { domainToUnicode } from 'node:url';
import { hasInvisible, lowercaseKey } from './text';

/*
 * What an email address is, for a contact and for a user alike (Chatwoot takes any text with one
 * @ for both). No spaces, control or invisible format characters (a NUL, or a zero-width space
 * that makes an address look like another one and pass as a different key), one @, a domain of
 * non-empty labels with a dot; letters of any script are kept (ü@example.com). None of the
 * characters that separate, quote or comment addresses in a mail header — , ; : < > ( ) [ ] " \ —
 * which no address outside quotes holds: `a,v2@evil.test` was stored as one contact's email, and
 * the mail server read two recipients (found by a black-box security test).
 */
const MAX_EMAIL_LENGTH = 254;

/**
 * An address as it is stored and compared. One typed decomposed is the same address as its
 * composed spelling; İNFO@ is info@; one typed in fullwidth letters (a Japanese or Chinese input
 * method left on: ｊｏｓｅ＠ｘ．ｉｏ) is the address it stands for (NFKC): no mail server delivers
 * to the fullwidth spelling.
 */
export const emailKey = (raw: string): string => unicodeDomain(lowercaseKey(raw.trim().normalize('NFKC')));

/**
 * The domain's IDNA labels (`xn--…`) as the Unicode labels they encode: x@xn--bcher-kva.example and
 * x@bücher.example are one mailbox, and made two contacts. A label that decodes to nothing, or to
 * plain ASCII (no IDNA label does), is kept as it is.
 */
function unicodeDomain(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0 || !address.includes('xn--', at)) return address;
  const labels = address
    .slice(at + 1)
    .split('.')
    .map((label) => {
      const decoded = label.startsWith('xn--') ? domainToUnicode(label) : '';
      return decoded && !decoded.includes('.') && /[^\p{ASCII}]/u.test(decoded) ? lowercaseKey(decoded) : label;
    });
  return `${address.slice(0, at + 1)}${labels.join('.')}`;
}

/**
 * Whether an address (as emailKey leaves it) is one. Invisible characters that are not format
 * characters (\p{Cf}) are refused too: variation selectors, Hangul fillers, U+034F… An address
 * holding one looked like another and took a second key.
 */
export const isEmailAddress = (key: string): boolean => !emailAddressProblem(key) && !hasInvisible(key);

/**
 * Which rule of the above an address (as emailKey leaves it) breaks, '' when none: the one
 * statement of them, and what the message that refuses an address says ("is not a valid email
 * address" alone left `a,b@x.io` and `a@localhost` to be guessed at).
 */
export function emailAddressProblem(key: string): string {
  if (key.length > MAX_EMAIL_LENGTH) return `it is longer than ${MAX_EMAIL_LENGTH} characters`;
  const at = key.split('@').length - 1;
  if (at === 0) return 'it has no @';
  if (at > 1) return 'it has more than one @';
  if (/\p{Cc}/u.test(key)) return 'it holds a control character';
  if (/\p{Cf}/u.test(key)) return 'it holds an invisible format character';
  const separator = /[\s,;:<>()[\]"\\]/u.exec(key)?.[0];
  if (separator) return /\s/u.test(separator) ? 'it holds a space' : `it holds ${JSON.stringify(separator)}, which separates or quotes addresses in a mail header`;
  const [local, domain] = key.split('@');
  if (!local) return 'nothing comes before the @';
  if (!domain) return 'it has no domain after the @';
  if (!domain.includes('.')) return `its domain "${domain}" has no dot`;
  if (domain.split('.').some((label) => !label)) return `its domain "${domain}" has an empty part`;
  return '';
}

import { createHash, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { ValidationError } from '../shared/errors';
import { emailKey } from '../shared/email-address';

/** 256 random bits: hashing it with sha256 is enough (nothing to guess), and lets a request find its token by _id. */
export const newToken = (): string => randomBytes(32).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * A sign-in email's key: what a contact's email takes (shared/email-address.ts), so that an
 * address typed in fullwidth letters (an input method left on) or with a Turkish İ names the same
 * user as its plain spelling; both missed before.
 */
export const normalizeEmail = emailKey;

/** The key of users made before normalizeEmail was (trimmed and lowercased only); see userByEmail. */
export const legacyEmailKey = (email: string): string => email.trim().toLowerCase();

/** 18 random bytes as base64url: 24 characters, shown once. */
export const newPassword = (): string => randomBytes(18).toString('base64url');

const MIN_PASSWORD = 8;
// bcrypt reads only the first 72 bytes: a longer password would silently match its prefix.
const MAX_PASSWORD_BYTES = 72;

export function checkPassword(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD) throw new ValidationError(`${field} must be at least ${MIN_PASSWORD} characters`, field);
  // Eight spaces passed the length rule: a password of nothing visible is one nobody chose.
  if (!/[^\s\p{Cf}]/u.test(password)) throw new ValidationError(`${field} must hold a character other than spaces`, field);
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) throw new ValidationError(`${field} must be at most ${MAX_PASSWORD_BYTES} bytes`, field);
}

export function createPasswordHasher(cost: number) {
  // Compared against when the email is unknown, so that an unknown email takes as long as a wrong password.
  const decoy = bcrypt.hashSync(newPassword(), cost);
  return {
    hash: (password: string): Promise<string> => bcrypt.hash(password, cost),
    // A password past 72 bytes is none a user has (checkPassword refuses to set one); bcrypt would
    // match its first 72 bytes, so a sign-in took the password with anything typed after it.
    verify: (password: string, hash: string | null): Promise<boolean> => {
      const readWhole = Buffer.byteLength(password, 'utf8') <= MAX_PASSWORD_BYTES;
      return bcrypt.compare(password, readWhole ? (hash ?? decoy) : decoy).then((ok) => ok && readWhole && hash !== null);
    },
  };
}

export type PasswordHasher = ReturnType<typeof createPasswordHasher>;

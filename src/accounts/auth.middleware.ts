import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../shared/errors';
import type { Access } from '../shared/route';
import type { AccountsService, Caller, UserCaller } from './accounts.service';

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
    userCaller?: UserCaller;
  }
}

/**
 * The caller's token: Chatwoot reads the header as Rack names it, HTTP_API_ACCESS_TOKEN, which
 * both `api_access_token` and `Api-Access-Token` become; clients send either (n8n's Chatwoot
 * credential and nginx, which drops headers with underscores by default, the dashed one).
 */
export function accessTokenOf(req: Request): string | undefined {
  const underscored = req.header('api_access_token');
  const dashed = req.header('api-access-token');
  // Both names with two tokens: which one was meant is a guess (the underscored one won in silence).
  if (underscored !== undefined && dashed !== undefined && underscored !== dashed) {
    throw new UnauthorizedError('api_access_token and Api-Access-Token were both sent, with different tokens: send one');
  }
  const token = underscored ?? dashed;
  // Node joins a header sent twice with ", ", which no token holds: "invalid" said nothing of why.
  if (token?.includes(', ')) throw new UnauthorizedError('api_access_token was sent more than once: send it once');
  return token;
}

/** Every route under /api/v1/accounts/:account_id passes here first. */
export function requireAccountUser(accounts: AccountsService): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      // Only the plain number names an account: Number() also reads 0x1, 01, +1 and 1.0 as 1, and
      // one account must have one path (caches, logs and rate limits key on it).
      const written = req.params.account_id ?? '';
      const accountId = /^[1-9]\d*$/.test(written) ? Number(written) : NaN;
      if (!Number.isSafeInteger(accountId)) throw new NotFoundError('account', written);
      req.caller = await accounts.authenticate(accessTokenOf(req), accountId);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Routes of a person outside any account (profile, sign-out): any valid token. */
export function requireUser(accounts: AccountsService): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      req.userCaller = await accounts.authenticateUser(accessTokenOf(req));
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function userCallerOf(req: Request): UserCaller {
  if (!req.userCaller) throw new Error('route is mounted without requireUser');
  return req.userCaller;
}

/** The 403 names what was refused (it said "only administrators may do this", whatever it was). */
export function requireAdministrator(req: Request, _res: Response, next: NextFunction): void {
  const refused = `${req.method} ${req.originalUrl.split('?')[0]}`;
  next(req.caller?.role === 'administrator' ? undefined : new ForbiddenError(`only administrators may ${refused}; this caller is an agent of the account`));
}

export function callerOf(req: Request): Caller {
  if (!req.caller) throw new Error('route is mounted without requireAccountUser');
  return req.caller;
}

/** Any user of the account: the account router checks the token before every route (requireAccountUser). */
export const accountAccess: Access = { level: 'account', guards: [] };
/** Any user with a valid token, whatever their accounts. */
export const userAccess = (accounts: AccountsService): Access => ({ level: 'user', guards: [requireUser(accounts)] });
/** Administrators of the account only. */
export const administratorAccess: Access = { level: 'administrator', guards: [requireAdministrator] };

import { Router, type RequestHandler } from 'express';
import { errorBodySchema } from '../shared/error-handler';
import { rateLimitedResponses } from '../shared/rate-limit';
import { emptySchema } from '../shared/response-fields';
import { anonymousAccess, defineRoute, json } from '../shared/route';
import { bareOrWrappedSchema } from '../shared/wrapped-body';
import type { AccountsService } from './accounts.service';
import { userAccess, userCallerOf } from './auth.middleware';
import { profilePayloadSchema, profileWithTokenSchema, signInPayloadSchema, signOutSchema } from './profile.presenter';
import { profileUpdateSchema, signInSchema } from './profile.schemas';
import type { ProfileService } from './profile.service';

/**
 * devise_token_auth's routes as Chatwoot mounts them, at /auth. `signInLimit` counts sign-ins
 * only: a sign-out shared their per-IP count, so a few wrong passwords from behind the same NAT
 * kept everyone else's sessions from being ended.
 */
export function authRouter(profile: ProfileService, accounts: AccountsService, signInLimit: RequestHandler): Router {
  const router = Router();
  const tag = 'Sign-in';

  defineRoute(
    router,
    {
      method: 'post', path: '/sign_in', operationId: 'signIn', summary: 'Sign in with email and password: a session token', tag, access: anonymousAccess,
      body: signInSchema, alsoForm: { emptyFields: 'absent' }, before: [signInLimit], responses: { '200': json('The user, their accounts and a session token (access_token)', signInPayloadSchema), ...rateLimitedResponses },
    },
    async ({ body }, _req, res) => {
      res.status(200).json(await profile.signIn(body));
    },
  );

  defineRoute(
    router,
    {
      method: 'delete', path: '/sign_out', operationId: 'signOut', summary: 'End the token this request is made with', tag, access: userAccess(accounts), responses: { '200': json('Signed out: the token is refused from now on', signOutSchema) },
    },
    async (_input, req, res) => {
      await profile.signOut(userCallerOf(req));
      // devise_token_auth's answer, which Chatwoot's clients read.
      res.status(200).json({ success: true });
    },
  );

  return router;
}

/**
 * The caller's own profile, mounted at /api/v1. `passwordCheck` limits the changes that check
 * current_password (a 429 beyond, as sign-in's).
 */
export function profileRouter(profile: ProfileService, accounts: AccountsService, passwordCheck: RequestHandler): Router {
  const router = Router();
  const tag = 'Profile';
  const access = userAccess(accounts);

  defineRoute(
    router,
    { method: 'get', path: '/profile', operationId: 'showProfile', summary: 'Who the token belongs to, and their accounts', tag, access, responses: { '200': json('The profile', profilePayloadSchema) } },
    async (_input, req, res) => {
      res.json(await profile.show(userCallerOf(req)));
    },
  );

  for (const method of ['put', 'patch'] as const) {
    defineRoute(
      router,
      {
        method, path: '/profile', operationId: `${method}Profile`, summary: 'Change your name or password (the current password is needed; every session ends)', tag,
        access, body: profileUpdateSchema, bodySchema: bareOrWrappedSchema('profile'), before: [passwordCheck], responses: { '200': json('The profile', profilePayloadSchema), ...rateLimitedResponses },
      },
      async ({ body }, req, res) => {
        res.json(await profile.update(userCallerOf(req), body));
      },
    );
  }

  defineRoute(
    router,
    {
      method: 'post', path: '/profile/reset_access_token', operationId: 'resetAccessToken', summary: 'A new API token (the old one is refused at once)', tag, access,
      responses: {
        '200': json('The profile with the new token, shown this once', profileWithTokenSchema),
        '409': json('Another request rotated the token meanwhile: use the token it answered, or rotate again', errorBodySchema),
      },
    },
    async (_input, req, res) => {
      res.status(200).json(await profile.resetAccessToken(userCallerOf(req)));
    },
  );

  defineRoute(
    router,
    {
      method: 'delete', path: '/profile/access_token', operationId: 'revokeAccessToken', summary: 'Revoke your API token (sessions are not affected)', tag, access,
      responses: { '200': json('Revoked', emptySchema) },
    },
    async (_input, req, res) => {
      await profile.revokeAccessToken(userCallerOf(req));
      res.status(200).json({});
    },
  );

  return router;
}

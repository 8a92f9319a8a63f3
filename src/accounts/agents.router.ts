import { Router } from 'express';
import { z } from 'zod';
import { conflictResponse } from '../shared/error-handler';
import { emptySchema } from '../shared/response-fields';
import { defineRoute, json } from '../shared/route';
import { agentPayloadSchema, newAgentPayloadSchema, toAgentPayload } from './agent.presenter';
import type { AccountsService } from './accounts.service';
import { agentChangeSchema, agentParams, availabilityOf, newAgentSchema } from './agents.schemas';
import { bareOrWrappedSchema } from '../shared/wrapped-body';
import { accountAccess, administratorAccess, callerOf } from './auth.middleware';

const bareOrWrapped = bareOrWrappedSchema('agent');

const tag = 'Agents';

/** Chatwoot's /agents: every user may list them; administrators add, change the role of and remove them. */
export function agentsRouter(accounts: AccountsService): Router {
  const router = Router({ mergeParams: true });

  defineRoute(
    router,
    {
      method: 'get', path: '/agents', operationId: 'listAgents', summary: "List the account's users", tag, access: accountAccess,
      responses: { '200': json('The users of the account with their roles, by name', z.array(agentPayloadSchema)) },
    },
    async (_input, req, res) => {
      const { accountId } = callerOf(req);
      const members = await accounts.membersOf(accountId);
      const byName = members.sort((a, b) => a.user.name.localeCompare(b.user.name) || a.user._id - b.user._id);
      res.json(byName.map((member) => toAgentPayload(accountId, member)));
    },
  );

  defineRoute(
    router,
    {
      method: 'post', path: '/agents', operationId: 'createAgent', summary: 'Add a person to the account (a new user, or an existing one by email)', tag,
      access: administratorAccess, body: newAgentSchema, bodySchema: bareOrWrapped,
      responses: { '200': json('The agent; a new user without a given password gets a generated one, shown this once', newAgentPayloadSchema), '409': conflictResponse },
    },
    async ({ body }, req, res) => {
      const { accountId } = callerOf(req);
      const { name, email, role, password: given } = body;
      const { member, password } = await accounts.addMember(accountId, { name, email, role, password: given, ...availabilityOf(body) });
      res.status(200).json({ ...toAgentPayload(accountId, member), password });
    },
  );

  for (const method of ['patch', 'put'] as const) {
    defineRoute(
      router,
      {
        method, path: '/agents/:id(\\d+)', operationId: `${method}Agent`, summary: "Change an agent's role or name", tag, access: administratorAccess,
        params: agentParams, body: agentChangeSchema, bodySchema: bareOrWrapped, responses: { '200': json('The agent', agentPayloadSchema), '409': conflictResponse },
      },
      async ({ params, body }, req, res) => {
        const { accountId } = callerOf(req);
        const { name, role } = body;
        res.json(toAgentPayload(accountId, await accounts.changeAgent(accountId, params.id, { name, role, ...availabilityOf(body) })));
      },
    );
  }

  defineRoute(
    router,
    {
      method: 'delete', path: '/agents/:id(\\d+)', operationId: 'deleteAgent', summary: 'Remove a person from the account (their access ends at once)', tag,
      access: administratorAccess, params: agentParams, responses: { '200': json('Removed', emptySchema), '409': conflictResponse },
    },
    async ({ params }, req, res) => {
      await accounts.removeMember(callerOf(req).accountId, params.id);
      res.status(200).json({});
    },
  );

  return router;
}

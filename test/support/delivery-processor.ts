import { createDeliveryProcessor, type DeliveryProcessorDeps } from '../../src/messaging/delivery.processor';
import { createLogger } from '../../src/shared/logger';
import type { TestContext } from './context';

/** The delivery processor over the context's models, to run a job by hand; `overrides` replace any of its dependencies. */
export const deliveryProcessorFor = (ctx: TestContext, overrides: Partial<DeliveryProcessorDeps> = {}) =>
  createDeliveryProcessor({
    messages: ctx.deps.models.messages,
    conversations: ctx.deps.models.conversations,
    pending: ctx.deps.models.pendingDeliveries,
    inboxes: ctx.deps.models.inboxes,
    contacts: ctx.deps.models.contacts,
    logger: createLogger('silent'),
    timeoutMs: 1000,
    allowedHosts: ['127.0.0.1'],
    ...overrides,
  });

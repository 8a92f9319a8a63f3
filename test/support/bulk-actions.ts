import { createBulkActionsService, type BulkActionsDeps } from '../../src/bulk-actions/bulk-actions.service';
import { indexWritten } from '../../src/contacts/index-written';
import type { TestContext } from './context';

/**
 * A bulk actions service over the test's own stores and services, as the app wires it but with no
 * queue (a test runs the action in its request) and no wait for the index; `overrides` put in the
 * failure or the race a test makes.
 */
export function bulkActionsWith(deps: TestContext['deps'], overrides: Partial<BulkActionsDeps> = {}) {
  return createBulkActionsService({
    bulkActions: deps.models.bulkActions,
    nextIds: deps.nextIds,
    writer: deps.writer,
    search: deps.search,
    labels: deps.services.labels,
    segments: deps.services.segments,
    enqueue: async () => undefined,
    waitIndexed: async () => true,
    indexContacts: (accountId, docs) => indexWritten({ indexer: deps.indexer, writer: deps.writer, sync: deps.scheduler }, accountId, docs),
    removeContacts: (accountId, ids, options) => deps.services.contacts.removeMany(accountId, ids, options),
    logger: deps.logger,
    ...overrides,
  });
}

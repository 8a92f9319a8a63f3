import type { Request } from 'express';
import type { Client } from '@elastic/elasticsearch';
import type { Connection } from 'mongoose';
import { createAccountsService, type Caller } from './accounts/accounts.service';
import { createCallerCache } from './accounts/caller-cache';
import { defineAccountModel } from './accounts/account.model';
import { defineAccessTokenModel, defineUserEmailModel, defineUserModel } from './accounts/user.model';
import { createPasswordHasher, normalizeEmail } from './accounts/credentials';
import { createProfileService } from './accounts/profile.service';
import { createTokens } from './accounts/tokens';
import { upgradeLegacyUsers } from './accounts/upgrade-legacy-users';
import { queryLimitsOf, type Config } from './config';
import { defineContactModel } from './records/contact.model';
import { defineContactKeyModel } from './records/contact-key.model';
import { createContactKeys } from './records/contact-keys';
import { definePendingSyncModel } from './records/pending-sync.model';
import { defineIndexPlacementModel } from './search/index-placement.model';
import { createIndexPlacements, type IndexTarget } from './search/index-placements';
import { createContactWriter } from './contacts/contact-writer';
import { defineCustomAttributeSetModel } from './records/custom-attribute-definition.model';
import { createDefinitionStore, type DefinitionResyncJob } from './records/custom-attribute-definitions';
import { createDefinitionResyncProcessor, DEFINITION_RESYNC_QUEUE } from './custom-attributes/definition-resync.processor';
import { upgradeLegacyDefinitions } from './records/upgrade-legacy-definitions';
import { defineLabelSetModel } from './labels/label.model';
import { createLabelStore } from './labels/label-store';
import { upgradeLegacyLabels } from './labels/upgrade-legacy-labels';
import { createContactsService } from './contacts/contacts.service';
import { createLabelsService, type LabelRemovalJob } from './labels/labels.service';
import { createLabelRemovalProcessor, LABEL_REMOVAL_QUEUE } from './labels/label-removal.processor';
import { createCustomAttributesService } from './custom-attributes/custom-attributes.service';
import { defineSegmentModel, type Segment } from './segments/segment.model';
import { createSegmentsService } from './segments/segments.service';
import { defineBulkActionModel } from './bulk-actions/bulk-action.model';
import { BULK_ACTION_QUEUE, createBulkActionProcessor } from './bulk-actions/bulk-action.processor';
import { createBulkActionsService, type BulkJob } from './bulk-actions/bulk-actions.service';
import { waitUntilIndexed } from './search/wait-until-indexed';
import { indexWritten } from './contacts/index-written';
import { completeAbandonedMerges, mergeContacts, type MergeOptions } from './contacts/merge-contacts';
import { defineMergeLockModel } from './contacts/merge-lock.model';
import { createMergeLocks } from './contacts/merge-locks';
import { createCaptureService } from './capture/capture.service';
import { defineConversationModel } from './messaging/conversation.model';
import { createDeliveryProcessor, DELIVERY_QUEUE, type DeliveryJob } from './messaging/delivery.processor';
import { createMessagingService } from './messaging/messaging.service';
import { defineMessageModel } from './messaging/message.model';
import { definePendingDeliveryModel } from './messaging/pending-delivery.model';
import { sweepPendingDeliveries } from './messaging/delivery-sweep';
import { defineContactInboxModel } from './inboxes/contact-inbox.model';
import { defineContactInboxKeyModel } from './inboxes/contact-inbox-key.model';
import { defineInboxKeyModel } from './inboxes/inbox-key.model';
import { keyExistingInboxes } from './inboxes/key-existing-inboxes';
import { createContactInboxStore } from './inboxes/contact-inbox-store';
import { defineInboxModel, type Inbox } from './inboxes/inbox.model';
import { createInboxesService, type InboxRemovalJob } from './inboxes/inboxes.service';
import { createInboxRemovalProcessor, INBOX_REMOVAL_QUEUE } from './inboxes/inbox-removal.processor';
import { linkExistingRecords } from './messaging/link-existing-records';
import { defineNoteModel } from './notes/note.model';
import { defineContactNotesModel } from './notes/contact-notes.model';
import { createNotesService } from './notes/notes.service';
import { createContactExportService } from './export/contact-export.service';
import { defineContactImportModel, type ContactImport } from './import/contact-import.model';
import { createContactImportProcessor } from './import/contact-import.processor';
import { createContactImportService, IMPORT_QUEUE, type ImportJob } from './import/contact-import.service';
import { defineImportRejectionModel } from './import/import-rejection.model';
import { createContactIndexer } from './search/contact-indexer';
import { createSearchableProbe } from './search/searchable-probe';
import { addCurrentFields, autoCreatesIndices, ensureContactsIndex, MAPPING_VERSION } from './search/contacts-index';
import { createContactSearch } from './search/search-contacts';
import { createContactSyncProcessor } from './search/contact-sync.processor';
import { createBackgroundSyncQueue, createSweepQueue, createSyncQueue, createSyncScheduler, scheduleSweep } from './search/sync-queue';
import { createSyncSweepProcessor } from './search/sync-sweep.processor';
import { createElasticsearchClient, isElasticsearchUnavailable } from './shared/elasticsearch';
import { createIdAllocator, defineIdBlockModel, highestId } from './shared/id-allocator';
import { idOnlyGuard } from './shared/id-only-guard';
import { createIdLists, defineIdListModel } from './shared/id-lists';
import { createAccountRecords, listExistingRecords } from './shared/account-records';
import { moveAccount } from './search/move-account';
import { addReports, reconcileAccount, type ReconcileOptions, type ReconcileReport } from './search/reconcile';
import { sweepPendingContacts } from './search/sync-sweep';
import type { Logger } from './shared/logger';
import { createMetrics, redisSyncFigureStore } from './shared/metrics';
import { connectMongo, initModels } from './shared/mongo';
import { createQueueFactory, enqueueWithin, redisErrorLog, type Queue } from './shared/queues';
import { addUnlessQueued, resumeWhenStoreBack } from './shared/resume-when-store-back';
import { createRateLimit, inSequence } from './shared/rate-limit';
import { ValidationError } from './shared/errors';
import { settleWithin } from './shared/lifecycle';
import { retryInBackground, type RetryInBackground } from './shared/retry-in-background';

// How long a start waits for its first attempt to make sure of the index before it serves
// anyway: an Elasticsearch that hangs answers only after the client's timeout (30 s, twice).
const INDEX_START_WAIT_MS = 10000;
// The waits between the attempts that follow while Elasticsearch is away: short enough that
// searches come back soon after it does, long enough to cost it nothing.
const INDEX_RETRY_FIRST_MS = 1000;
const INDEX_RETRY_MAX_MS = 10000;

/**
 * Connects to MongoDB, Elasticsearch and Redis and builds every model and service from them.
 * The API, the worker, the scripts and the tests all start here, each with its own config.
 */
export async function createDependencies(config: Config, logger: Logger, overrides: { es?: Client } = {}) {
  const conn: Connection = await connectMongo(config.MONGODB_URI, { timeoutMs: config.MONGO_TIMEOUT_MS, socketTimeoutMs: config.MONGO_SOCKET_TIMEOUT_MS });
  if (config.ENFORCE_ID_ONLY) {
    conn.plugin(
      idOnlyGuard([
        'contacts',
        'contact_keys',
        'notes',
        'contact_notes',
        'contact_links',
        'contact_inboxes',
        'contact_inbox_keys',
        'inbox_links',
        'conversations',
        'messages',
        'custom_attribute_sets',
        'inbox_keys',
        'label_sets',
        'account_links',
        'merge_locks',
        'contact_import_rejections',
      ]),
    );
  }
  const models = {
    accounts: defineAccountModel(conn),
    users: defineUserModel(conn),
    userEmails: defineUserEmailModel(conn),
    accessTokens: defineAccessTokenModel(conn),
    idBlocks: defineIdBlockModel(conn),
    contacts: defineContactModel(conn),
    contactKeys: defineContactKeyModel(conn),
    mergeLocks: defineMergeLockModel(conn),
    pendingSync: definePendingSyncModel(conn),
    indexPlacements: defineIndexPlacementModel(conn),
    labelSets: defineLabelSetModel(conn),
    customAttributeSets: defineCustomAttributeSetModel(conn),
    segments: defineSegmentModel(conn),
    bulkActions: defineBulkActionModel(conn),
    notes: defineNoteModel(conn),
    contactNotes: defineContactNotesModel(conn),
    inboxes: defineInboxModel(conn),
    contactInboxes: defineContactInboxModel(conn),
    contactInboxKeys: defineContactInboxKeyModel(conn),
    inboxKeys: defineInboxKeyModel(conn),
    contactLinks: defineIdListModel(conn, 'ContactLinks', 'contact_links'),
    inboxLinks: defineIdListModel(conn, 'InboxLinks', 'inbox_links'),
    accountLinks: defineIdListModel(conn, 'AccountLinks', 'account_links'),
    conversations: defineConversationModel(conn),
    messages: defineMessageModel(conn),
    pendingDeliveries: definePendingDeliveryModel(conn),
    contactImports: defineContactImportModel(conn),
    importRejections: defineImportRejectionModel(conn),
  };
  await initModels(Object.values(models));
  await upgradeLegacyUsers({ accounts: models.accounts, users: models.users, emails: models.userEmails, tokens: models.accessTokens }, logger);
  await linkExistingRecords(models, logger);
  await upgradeLegacyDefinitions(models.customAttributeSets, logger);
  await keyExistingInboxes(models, logger);
  await upgradeLegacyLabels(models.labelSets, logger);
  const accountLinks = createIdLists(models.accountLinks);
  await listExistingRecords(models.segments as never, accountLinks, 'segments', logger);
  await listExistingRecords(models.inboxes as never, accountLinks, 'inboxes', logger);
  await listExistingRecords(models.contactImports as never, accountLinks, 'imports', logger);

  const es = overrides.es ?? createElasticsearchClient(config.ELASTICSEARCH_URL);
  const index = config.CONTACTS_INDEX;
  const queues = createQueueFactory(config.REDIS_URL, config.QUEUE_PREFIX, redisErrorLog(logger));
  const syncQueue = createSyncQueue(queues);
  const scheduler = createSyncScheduler(syncQueue, logger);
  const backgroundSyncQueue = createBackgroundSyncQueue(queues);
  // The sync figures of all processes add up in Redis: any API process shows them.
  const metrics = createMetrics(redisSyncFigureStore(queues.redis, `${config.QUEUE_PREFIX}:sync-figures`), {
    queueDepths: queues.jobCounts,
    processLabel: config.API_PROCESSES > 1 ? String(process.pid) : undefined,
  });
  // Set by startIndex (the API and the worker). Until the index is made sure of, the process's
  // searches answer 503 and its indexer writes nothing; scripts, which never start it, are not held.
  let indexStart: RetryInBackground | undefined;
  const indexReady = () => !indexStart || indexStart.succeeded();
  const placements = createIndexPlacements({ model: models.indexPlacements, alias: index, refreshMs: config.INDEX_PLACEMENT_REFRESH_MS, settleMs: config.INDEX_MOVE_WAIT_MS, logger });
  const search = createContactSearch({ es, index, placements, cursorSecret: config.CURSOR_SECRET, timeoutMs: config.SEARCH_TIMEOUT_MS, indexReady });
  const limits = queryLimitsOf(config);
  const nextIds = createIdAllocator(models.idBlocks);
  const callers = createCallerCache<Caller>({
    ttlMs: config.AUTH_CACHE_MS,
    maxEntries: 10000,
    channel: `${config.QUEUE_PREFIX}:access-changed`,
    publisher: queues.redis,
    subscriber: queues.subscriberConnection,
    logger,
  });
  const tokens = createTokens({ tokens: models.accessTokens, users: models.users, sessionTtlMs: config.SESSION_TTL_HOURS * 3600 * 1000, accessChanged: callers.changed });
  const passwords = createPasswordHasher(config.PASSWORD_HASH_COST);
  const accounts = createAccountsService({ accounts: models.accounts, users: models.users, emails: models.userEmails, tokens, passwords, nextIds, callers });

  const definitions = createDefinitionStore(models.customAttributeSets);
  const keys = createContactKeys({ keys: models.contactKeys, contacts: models.contacts, graceMs: config.KEY_CLAIM_GRACE_MS });
  const probe = createSearchableProbe({ es, record: metrics.recordSearchable, logger });
  const indexer = createContactIndexer({ contacts: models.contacts, pending: models.pendingSync, keys, definitions, es, placements, logger, metrics, indexReady, probe });

  // A website session proved an identifier, not a contact: taken off the contact, it ends the session's verification (inboxes, made below).
  const onIdentifierGivenUp = (accountId: number, contactId: number) => inboxes.unverifyContact(accountId, contactId);
  const writer = createContactWriter({ contacts: models.contacts, pending: models.pendingSync, keys, sync: scheduler, onIdentifierGivenUp, giveBackForMs: config.KEY_CLAIM_GRACE_MS });
  // The same writes for work on many contacts at once, whose sync jobs go to the background queue.
  const backgroundSync = createSyncScheduler(backgroundSyncQueue, logger);
  const backgroundWriter = createContactWriter({ contacts: models.contacts, pending: models.pendingSync, keys, sync: backgroundSync, onIdentifierGivenUp, giveBackForMs: config.KEY_CLAIM_GRACE_MS });
  const definitionResyncQueue = queues.createQueue<DefinitionResyncJob>(DEFINITION_RESYNC_QUEUE, { attempts: 3 });
  const customAttributes = createCustomAttributesService({
    definitions,
    nextIds,
    writer: backgroundWriter,
    indexer,
    sync: backgroundSync,
    candidates: { pending: models.pendingSync, search },
    logger,
    onDefinitionsRemoved: (accountId) => segments.markStale(accountId),
    resyncInRequestUpTo: config.DEFINITION_RESYNC_IN_REQUEST,
    // One job per definition, as for label removals; Redis away, the definition stays marked and
    // the worker queues it again when it starts.
    enqueueResync: (job) =>
      enqueueWithin(definitionResyncQueue, () => addUnlessQueued(definitionResyncQueue, job, `definition-resync-${job.definitionId}`), 2000, 'queueing a definition resync').catch((err) =>
        logger.warn({ err, definitionId: job.definitionId }, 'definition resync not queued; the worker queues it at its next start'),
      ),
  });
  const notes = createNotesService({ notes: models.notes, contactNotes: models.contactNotes, contacts: models.contacts, people: accounts, nextIds });
  const contactLinks = createIdLists(models.contactLinks);
  const contactInboxStore = createContactInboxStore({
    contactInboxes: models.contactInboxes,
    keys: models.contactInboxKeys,
    contactLinks,
    inboxLinks: createIdLists(models.inboxLinks),
    nextIds,
    highestId: () => highestId(models.idBlocks, 'contact_inboxes'),
  });
  // One job per inbox; Redis away, the request removes them itself.
  const inboxRemovalQueue = queues.createQueue<InboxRemovalJob>(INBOX_REMOVAL_QUEUE, { attempts: 5 });
  const inboxes = createInboxesService({
    inboxes: models.inboxes,
    inboxKeys: models.inboxKeys,
    listed: createAccountRecords<Inbox>(accountLinks, models.inboxes, 'inboxes'),
    contactInboxes: contactInboxStore,
    nextIds,
    outboundAllowedHosts: config.OUTBOUND_ALLOWED_HOSTS,
    enqueueRemoval: (job) =>
      enqueueWithin(inboxRemovalQueue, () => addUnlessQueued(inboxRemovalQueue, job, `inbox-removal-${job.inboxId}`), 2000, 'queueing an inbox removal'),
  });
  const deliveryQueue = queues.createQueue<DeliveryJob>(DELIVERY_QUEUE, {
    attempts: config.DELIVERY_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.DELIVERY_BACKOFF_MS },
  });
  const deliverySweepDeps = { pending: models.pendingDeliveries, messages: models.messages, deliveryQueue, graceMs: config.DELIVERY_SWEEP_GRACE_MS };
  const messaging = createMessagingService({
    people: accounts,
    contacts: models.contacts,
    inboxes: models.inboxes,
    contactInboxes: models.contactInboxes,
    identities: inboxes,
    contactLinks,
    conversations: models.conversations,
    messages: models.messages,
    pendingDeliveries: models.pendingDeliveries,
    deliveryQueue,
    writer,
    keys,
    nextIds,
    logger,
  });

  // Everything that belongs to a contact: removed with it, moved by a merge (each through its contact_links or contact_notes list).
  const contactDependents = [notes, inboxes, messaging];
  // Merges hold their two contacts meanwhile; deletes wait for them (src/contacts/merge-locks.ts).
  const mergeLocks = createMergeLocks(models.mergeLocks);
  const contactsDeps = {
    contacts: models.contacts,
    customAttributes,
    writer,
    nextIds,
    search,
    dependents: contactDependents,
    mergeLocks,
    // The inboxes feature sits above contacts: POST /contacts with inbox_id reaches it through this.
    prepareInboxLink: inboxes.prepareContactInbox,
    // Likewise labels on POST /contacts; the labels service is made below, and asked only per request.
    prepareLabels: (accountId: number, titles: string[], beforeCreating: () => Promise<void>) => labels.prepareNewContactLabels(accountId, titles, beforeCreating),
    keepLabels: (accountId: number, titles: string[]) => labels.ensureLabels(accountId, titles),
    limits,
  };
  const contacts = createContactsService(contactsDeps);
  // A bulk delete removes up to a whole segment: its sync jobs wait in the background queue, not
  // in front of the interactive writes of the same minutes.
  const contactsInBackground = createContactsService({ ...contactsDeps, writer: backgroundWriter });
  const segments = createSegmentsService({
    segments: models.segments,
    listed: createAccountRecords<Segment>(accountLinks, models.segments, 'segments'),
    nextIds,
    search,
    contacts,
    definitionsOf: customAttributes.definitionsOf,
    limits,
    maxSegments: config.SEGMENTS_MAX,
  });
  const labelRemovalQueue = queues.createQueue<LabelRemovalJob>(LABEL_REMOVAL_QUEUE, { attempts: 3 });
  const labelStore = createLabelStore(models.labelSets);
  const labels = createLabelsService({
    labels: labelStore,
    contacts: models.contacts,
    nextIds,
    writer,
    indexer,
    sync: scheduler,
    candidates: { pending: models.pendingSync, search },
    removeInRequestUpTo: config.LABEL_REMOVAL_IN_REQUEST,
    renameInSegments: segments.renameLabel,
    // One job per label: queued twice (a retry, the worker's start, a sweep) it still runs once at
    // a time. Redis away: the label stays marked, and the worker's sweep queues it again.
    enqueueRemoval: (job) =>
      enqueueWithin(labelRemovalQueue, () => addUnlessQueued(labelRemovalQueue, job, `label-removal-${job.labelId}`), 2000, 'queueing a label removal').catch((err) =>
        logger.warn({ err, labelId: job.labelId }, 'label removal not queued; the next sweep queues it again'),
      ),
  });
  const bulkQueue = queues.createQueue<BulkJob>(BULK_ACTION_QUEUE, { attempts: 3 });
  const bulkActions = createBulkActionsService({
    bulkActions: models.bulkActions,
    nextIds,
    writer: backgroundWriter,
    search,
    labels,
    segments,
    // Under the action's id: queued again at a worker's start, one waiting or running is not queued twice.
    enqueue: (job) => addUnlessQueued(bulkQueue, job, `bulk-action-${job.id}`),
    waitIndexed: (ids) => waitUntilIndexed(models.pendingSync, models.contacts, ids, { timeoutMs: config.BULK_INDEX_WAIT_MS }),
    indexContacts: (accountId, docs) => indexWritten({ indexer, writer: backgroundWriter, sync: backgroundSync }, accountId, docs),
    removeContacts: contactsInBackground.removeMany,
    logger,
  });
  const mergeDeps = { contacts: models.contacts, dependents: contactDependents, writer, locks: mergeLocks, labels };
  const merge = (accountId: number, baseId: number, mergeeId: number, options?: MergeOptions) => mergeContacts(mergeDeps, accountId, baseId, mergeeId, options);

  // Few attempts, spaced out: each resumes from the import's checkpoint.
  const importQueue = queues.createQueue<ImportJob>(IMPORT_QUEUE, { attempts: 3, backoff: { type: 'fixed', delay: 5000 }, removeOnFail: 100 });
  const importProcessor = createContactImportProcessor({
    imports: models.contactImports,
    rejections: models.importRejections,
    contacts: models.contacts,
    labels,
    definitions,
    customAttributes,
    nextIds,
    keys,
    writer,
    indexer,
    sync: scheduler,
    onIdentifierGivenUp,
    search,
    logger,
    config,
  });
  // A job lost with Redis leaves its import or bulk action unfinished for good: queued again
  // under its own id, so one Redis still holds is not queued twice (an import's lease keeps a
  // second run from writing beside a live one). Answers how many were queued; never throws.
  const requeueJobs = () =>
    Promise.all([importProcessor.requeueUnfinished(importQueue), bulkActions.requeueUnfinished()]).then(
      ([imports, actions]) => imports + actions,
      (err) => {
        logger.warn({ err }, 'unfinished imports and bulk actions not re-queued; tried again with the next sweep and when Redis comes back');
        return 0;
      },
    );

  const services = {
    accounts,
    profile: createProfileService({ users: models.users, accounts, tokens, passwords, accessChanged: callers.changed }),
    customAttributes,
    contacts,
    segments,
    labels,
    bulkActions,
    mergeContacts: merge,
    notes,
    inboxes,
    messaging,
    capture: createCaptureService({
      inboxes,
      contactInboxes: models.contactInboxes,
      keys,
      contactsService: contacts,
      mergeContacts: merge,
      locks: mergeLocks,
      messaging,
      definitions,
      defineAsked: async (accountId, attribute) => {
        try {
          await customAttributes.create(accountId, { ...attribute, attribute_model: 'contact_attribute' });
        } catch (err) {
          // Defined meanwhile (another visitor, an administrator): that definition checks the answer.
          if (!(err instanceof ValidationError && err.field === 'attribute_key')) throw err;
        }
      },
    }),
    exports: createContactExportService({ search, segments, definitions, limits }),
    imports: createContactImportService({ imports: models.contactImports, listed: createAccountRecords<ContactImport>(accountLinks, models.contactImports, 'imports'), rejections: models.importRejections, queue: importQueue, nextIds, logger }),
  };

  // Counted in Redis under the queue prefix: the API processes of one deployment share it.
  const limit = (name: string, max: number, windowSeconds: number, by: Pick<Parameters<typeof createRateLimit>[0], 'key' | 'skip' | 'onlyRefused'> = {}) =>
    createRateLimit({ redis: queues.redis(), prefix: `${config.QUEUE_PREFIX}:rate:`, name, limit: max, windowSeconds, ...by, logger });
  // A request naming no email (every sign-out) is not counted per email: under one shared key,
  // anyone could have spent the window's allowance and kept every user from signing out.
  const namedEmail = (req: Request) => (typeof req.body?.email === 'string' ? normalizeEmail(req.body.email) : undefined);
  const rateLimits = {
    // Only refused sign-ins count, the guesses the limit is for: successes counted too, an office
    // of more than ten agents behind one NAT could not all sign in within five minutes.
    signIn: inSequence([
      limit('sign-in-ip', config.SIGN_IN_RATE_LIMIT, config.SIGN_IN_RATE_WINDOW_SECONDS, { onlyRefused: true }),
      limit('sign-in-email', config.SIGN_IN_RATE_LIMIT, config.SIGN_IN_RATE_WINDOW_SECONDS, { key: (req) => namedEmail(req)!, skip: (req) => !namedEmail(req), onlyRefused: true }),
    ]),
    public: limit('public', config.PUBLIC_RATE_LIMIT, config.PUBLIC_RATE_WINDOW_SECONDS),
    // A profile change that checks current_password is a password guess too (by whoever holds a
    // token): counted per user, whatever the IP, with sign-in's allowance, and as sign-in's, only
    // when refused: counted when answered, a user's own password changes and name changes that
    // carried current_password used the guesses up.
    passwordCheck: limit('password-check', config.SIGN_IN_RATE_LIMIT, config.SIGN_IN_RATE_WINDOW_SECONDS, {
      key: (req) => String(req.userCaller?.user._id),
      skip: (req) => req.body?.current_password === undefined || !req.userCaller,
      onlyRefused: true,
    }),
  };

  const reconcileDeps = {
    contacts: models.contacts,
    pending: models.pendingSync,
    keys,
    es,
    search,
    indexContacts: indexer.indexContacts,
    maxContactId: () => highestId(models.idBlocks, 'contacts'),
  };

  /**
   * Compares an account's contacts with the index and repairs the drift (npm run reconcile):
   * with `target`, in that index; otherwise in each index the account is written to (two while
   * it moves to an index of its own, their reports added up).
   */
  async function reconcile(accountId: number, options: ReconcileOptions = {}, target?: IndexTarget): Promise<ReconcileReport> {
    const targets = target ? [target] : (await placements.current()).writes(accountId);
    const reports: ReconcileReport[] = [];
    for (const each of targets) reports.push(await reconcileAccount({ ...reconcileDeps, target: each }, accountId, options));
    return addReports(reports);
  }

  /**
   * Creates the index behind the alias if it is missing, adds the current mapping's fields to
   * older indices, and warns about what an operator should change. Idempotent.
   */
  async function ensureIndex(): Promise<void> {
    const { outdated, newer, unmerged } = await ensureContactsIndex(es, { alias: index, shards: config.INDEX_SHARDS, replicas: config.INDEX_REPLICAS });
    const ownIndices = (await placements.current()).ownIndices();
    // A new CONTACTS_INDEX, or an Elasticsearch that lost its data, over a database that holds
    // contacts: every list answered none, without a word. The id blocks say whether any contact
    // was ever made (read by sequence, one document per thousand ids); said at every start until
    // the index holds something. Accounts with an index of their own leave it empty rightly, which
    // only the operator knows: the warning says so.
    const issued = await highestId(models.idBlocks, 'contacts');
    if (issued > 0 && (await es.count({ index })).count === 0) {
      logger.warn(
        { alias: index, highestContactId: issued, ownIndices: ownIndices.length },
        'the search index is empty while MongoDB has contacts: run `npm run reindex` to index them (lists and searches answer none of them until then), unless every account has an index of its own',
      );
    }
    if (outdated.length) {
      logger.warn(
        { alias: index, outdated, unmerged, mappingVersion: MAPPING_VERSION },
        'the search index was built by an older mapping: run `npm run reindex` (until then a text the new mapping folds differently finds only the contacts written since this start, in any spelling)',
      );
    }
    if (newer.length) {
      logger.warn(
        { alias: index, newer, mappingVersion: MAPPING_VERSION },
        'the search index was built by a newer release: this one folds text its older way, so what it writes there is not found by the newer release until a reindex; move the alias back to the index this release built, and run `npm run reconcile` for each account (README: Rolling back)',
      );
    }
    // Accounts' own indices take the new fields the same way, and move to the new mapping by moving the account again.
    const own = await addCurrentFields(es, ownIndices);
    if (own.outdated.length) {
      logger.warn({ outdated: own.outdated, unmerged: own.unmerged, mappingVersion: MAPPING_VERSION }, "accounts' own indices were built by an older mapping: run `npm run move-account -- --account <id>` for each");
    }
    // Advice only: a user without the cluster privilege to read settings still starts.
    // Elasticsearch gone meanwhile fails the attempt, which startIndex makes again.
    const autoCreates = await autoCreatesIndices(es).catch((err: unknown) => {
      if (isElasticsearchUnavailable(err)) throw err;
      logger.info({ err }, 'could not read the cluster settings (action.auto_create_index)');
    });
    if (autoCreates) {
      logger.warn("Elasticsearch creates an index on a write to a missing one: set action.auto_create_index=false (README, \"An account's own index\")");
    }
  }

  return {
    config,
    logger,
    conn,
    rateLimits,
    callers,
    models,
    es,
    index,
    placements,
    queues,
    syncQueue,
    backgroundSyncQueue,
    scheduler,
    metrics,
    search,
    indexer,
    keys,
    definitions,
    labelStore,
    writer,
    nextIds,
    importQueue,
    bulkQueue,
    importProcessor,
    services,

    /** One sweep of the pending writes (the worker runs it every SWEEP_EVERY_MS). */
    sweep: () => sweepPendingContacts({ pending: models.pendingSync, contacts: models.contacts, es, placements, scheduler, graceMs: config.SWEEP_GRACE_MS }),
    /** One sweep of the messages in flight (the worker runs it with the other). */
    sweepDeliveries: () => sweepPendingDeliveries(deliverySweepDeps),
    /** Queues again the jobs of unfinished imports and bulk actions (the worker does at its start, when Redis comes back and with the sweep). */
    requeueJobs,
    /** One pass of the merges a process that died left half done (the worker runs it with the sweep). */
    finishAbandonedMerges: () => completeAbandonedMerges(mergeDeps),
    mergeDeps,

    reconcile,

    /** Moves an account to an index of its own, or back to the shared one (npm run move-account). */
    moveAccount: (accountId: number, options: Parameters<typeof moveAccount>[2]) =>
      moveAccount({ es, alias: index, placements, contacts: models.contacts, definitions, logger, indexContacts: indexer.indexContacts, reconcile }, accountId, options),

    ensureIndex,

    /**
     * ensureIndex for a process that serves: Elasticsearch away as it starts (a restart during an
     * outage) must not stop it, since writes succeed without Elasticsearch. The start goes on, and
     * the index is made sure of in the background, with back-off, until it is; meanwhile searches
     * answer 503 and contacts stay pending (their sync jobs fail and are retried, and the sweep
     * queues them again). Any other failure (a refused mapping, credentials) fails the start.
     */
    async startIndex(): Promise<void> {
      indexStart = retryInBackground(ensureIndex, {
        firstDelayMs: INDEX_RETRY_FIRST_MS,
        maxDelayMs: INDEX_RETRY_MAX_MS,
        onRetry: (err, nextInMs) => logger.warn({ err, nextInMs }, 'the search index is still not made sure of; searches answer 503 and writes stay pending until it is'),
        onRecovered: () => logger.info({ alias: index }, 'the search index is made sure of: searches and indexing go on'),
      });
      const first = await settleWithin(indexStart.first, INDEX_START_WAIT_MS);
      if (first === 'done') return;
      const err = first === 'failed' ? await indexStart.first.catch((e: unknown) => e) : undefined;
      if (err && !isElasticsearchUnavailable(err)) {
        await indexStart.stop();
        throw err;
      }
      logger.warn({ err, outcome: first, nextInMs: INDEX_RETRY_FIRST_MS }, 'Elasticsearch cannot be reached: serving without the search index; searches answer 503 and writes stay pending until it is made sure of');
    },

    deliveryQueue,

    /** Registers every queue's processor: this process becomes a worker. */
    async startWorker() {
      void bulkQueue.process(createBulkActionProcessor({ bulkActions, logger }));
      const resumable = [[importQueue, 'import'], [bulkQueue, 'bulk action'], [labelRemovalQueue, 'label removal'], [definitionResyncQueue, 'definition re-sync'], [inboxRemovalQueue, 'inbox removal']] as const;
      for (const [queue, what] of resumable) resumeWhenStoreBack(queue as Queue.Queue<unknown>, { delayMs: config.JOB_RESUME_DELAY_MS, logger, what });
      void labelRemovalQueue.process(createLabelRemovalProcessor({ labels, logger }));
      void inboxRemovalQueue.process(createInboxRemovalProcessor({ inboxes, logger }));
      void definitionResyncQueue.process(createDefinitionResyncProcessor({ customAttributes, logger }));
      // A label removal or definition re-sync whose job was lost (queued while Redis was away, by
      // any process) is queued again at the start, when Redis comes back, and by every sweep: it
      // stays marked until done, and its job id is the label's or definition's, so one waiting or
      // running is not queued twice. Answers how many were still marked.
      const requeueRemovals = () =>
        Promise.all([labels.requeueRemovals(), customAttributes.requeueResyncs()]).then(
          ([removals, resyncs]) => removals + resyncs,
          (err) => {
            logger.warn({ err }, 'label removals and definition resyncs not re-queued; tried again by the next sweep');
            return 0;
          },
        );
      await requeueRemovals();
      void deliveryQueue.process(
        config.DELIVERY_CONCURRENCY,
        createDeliveryProcessor({
          messages: models.messages,
          conversations: models.conversations,
          pending: models.pendingDeliveries,
          inboxes: models.inboxes,
          contacts: models.contacts,
          logger,
          timeoutMs: config.DELIVERY_TIMEOUT_MS,
          allowedHosts: config.OUTBOUND_ALLOWED_HOSTS,
        }),
      );
      // Many sync jobs in flight at once is what lets the batcher fill one bulk request.
      void syncQueue.process(config.SYNC_CONCURRENCY, createContactSyncProcessor({ config, indexContacts: indexer.indexContacts, logger }));
      // Its own processor, batching and bulk requests in flight: a background job's backlog never
      // stands between an interactive write and the index.
      void backgroundSyncQueue.process(config.SYNC_CONCURRENCY, createContactSyncProcessor({ config, indexContacts: indexer.indexContacts, logger }));
      const sweepQueue = createSweepQueue(queues);
      const syncSweep = createSyncSweepProcessor({ pending: models.pendingSync, contacts: models.contacts, es, placements, scheduler, graceMs: config.SWEEP_GRACE_MS, logger });
      // One schedule for both sweeps: what a Redis outage loses is contacts' sync jobs and messages'
      // delivery jobs alike. The deliveries' first, and on their own: Elasticsearch away (which
      // fails the contacts' sweep) is no reason to leave messages unsent.
      void sweepQueue.process(async () => {
        const delivering = await sweepPendingDeliveries(deliverySweepDeps).catch((err) => {
          logger.warn({ err }, 'delivery sweep failed; it runs again with the next sweep');
          return 0;
        });
        if (delivering) logger.info({ queued: delivering }, 'sweep re-queued messages whose delivery job was lost');
        const merged = await completeAbandonedMerges(mergeDeps).catch((err) => {
          logger.warn({ err }, 'merges left by a process that died not finished; tried again with the next sweep');
          return 0;
        });
        if (merged) logger.warn({ merged }, 'sweep finished merges left by a process that died');
        const labelJobs = await requeueRemovals();
        const jobs = await requeueJobs();
        return { ...(await syncSweep()), deliveries: delivering, labelJobs, jobs };
      });
      // Redis away as the process starts (a deploy or a restart during an outage) must not stop
      // it: writes succeed without Redis, and the sweep is scheduled, and what a start queues
      // again is queued, once Redis is there (the 'ready' below). A Redis without persistence
      // that restarts under a running worker lost their jobs too: queued again then as well, not
      // only at the worker's first connection.
      sweepQueue.client.on('ready', () => {
        scheduleSweep(sweepQueue, config.SWEEP_EVERY_MS).catch((err) => logger.warn({ err }, 'sweep not scheduled again after Redis came back'));
        void requeueRemovals();
        void requeueJobs();
      });
      await scheduleSweep(sweepQueue, config.SWEEP_EVERY_MS).catch((err) => logger.warn({ err }, 'sweep not scheduled; scheduled when Redis comes back'));
      importProcessor.register(importQueue, config.IMPORT_CONCURRENCY);
      await requeueJobs();
    },

    /**
     * Closes the queues (letting active jobs finish, for at most `jobsMs`), then the connections,
     * each given at most `stepMs`: a dependency that is gone must not keep the process from
     * exiting. Answers what did not close cleanly (empty when all did).
     */
    async close(stepMs = 30000, jobsMs = stepMs): Promise<string[]> {
      // The probe searches no more: the Elasticsearch client closes below.
      probe.stop();
      // A running import stops at its next batch boundary, so the queues' close below waits for
      // a batch, not the whole file, and MongoDB is not closed under it.
      importProcessor.stop();
      const outcomes = {
        // Its attempt in flight uses the Elasticsearch client closed below.
        'index start': indexStart ? await settleWithin(indexStart.stop(), stepMs) : 'done',
        queues: await settleWithin(queues.close(), jobsMs),
        mongodb: await settleWithin(conn.close(), stepMs),
        elasticsearch: overrides.es ? 'done' : await settleWithin(es.close(), stepMs),
      };
      queues.disconnect();
      const unclean = Object.entries(outcomes).filter(([, outcome]) => outcome !== 'done');
      if (unclean.some(([name]) => name === 'mongodb')) await conn.close(true).catch(() => undefined);
      return unclean.map(([name, outcome]) => `${name} ${outcome}`);
    },
  };
}

export type Dependencies = Awaited<ReturnType<typeof createDependencies>>;

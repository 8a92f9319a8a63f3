// Imports a CSV file into an account from the command line, with a progress bar. It runs the
// same processor as the import job, in this process, on the file where it lies (no upload, no
// copy; the file is left in place), which also indexes each batch it writes.
//
//   npm run import-csv -- --account 1 contacts.csv [--create-labels vip,lead] [--create-missing-labels] [--rejected rejected.csv]
//
// --create-labels creates the labels named; --create-missing-labels creates every label the file
// names that the account lacks (without either, a row naming an unknown label is rejected).
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { createDependencies } from '../src/dependencies';
import type { ContactImport } from '../src/import/contact-import.model';
import { createLogger } from '../src/shared/logger';

const USAGE = 'usage: import-csv --account <id> <file.csv> [--create-labels a,b] [--create-missing-labels] [--rejected <out.csv>]';

function bar(share: number, width = 30): string {
  const filled = Math.round(Math.min(1, Math.max(0, share)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function progressLine(p: ContactImport, startedAt: number): string {
  const share = p.status === 'completed' ? 1 : p.file_size ? p.bytes_read / p.file_size : 0;
  const seconds = (Date.now() - startedAt) / 1000;
  const rate = seconds > 0 ? Math.round(p.rows_read / seconds) : 0;
  const n = (v: number) => v.toLocaleString('en-US');
  return `${bar(share)} ${(share * 100).toFixed(1).padStart(5)}%  rows ${n(p.rows_read)}  created ${n(p.created)}  updated ${n(p.updated)}  unchanged ${n(p.unchanged)}  rejected ${n(p.rejected)}  ${n(rate)} rows/s`;
}

async function main() {
  const { values, positionals } = parseArgs({
    options: {
      account: { type: 'string' },
      'create-labels': { type: 'string' },
      'create-missing-labels': { type: 'boolean' },
      rejected: { type: 'string' },
    },
    allowPositionals: true,
  });
  const accountId = Number(values.account);
  const file = positionals[0];
  if (!Number.isSafeInteger(accountId) || accountId <= 0 || !file) throw new Error(USAGE);

  const config = loadConfig();
  const deps = await createDependencies(config, createLogger(process.env.LOG_LEVEL ?? 'warn', 'import-csv'));
  // The processor indexes each batch through the alias: it must exist with the mapping.
  await deps.ensureIndex();
  try {
    if (!(await deps.models.accounts.exists({ _id: accountId }))) throw new Error(`account ${accountId} does not exist`);
    if (values['create-labels']) {
      const titles = values['create-labels'].split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
      const existing = await deps.services.labels.existingTitles(accountId, titles);
      const missing = titles.filter((t) => !existing.has(t));
      if (missing.length) {
        await deps.services.labels.ensureLabels(accountId, missing);
        process.stderr.write(`created labels: ${missing.join(', ')}\n`);
      }
    }

    const absolute = path.resolve(file);
    const { size } = await stat(absolute);
    const recorded = await deps.services.imports.record(accountId, { path: absolute, originalname: path.basename(absolute), size }, false, {
      createLabels: values['create-missing-labels'] === true,
    });
    const startedAt = Date.now();
    const tty = process.stderr.isTTY;
    let lastPrint = 0;
    const final = await deps.importProcessor.run(recorded._id, {
      onProgress(p) {
        // A TTY gets one line redrawn in place; a log gets a line every few seconds.
        if (tty) process.stderr.write(`\r${progressLine(p, startedAt)}`);
        else if (Date.now() - lastPrint > 5000 || p.status !== 'processing') {
          lastPrint = Date.now();
          process.stderr.write(`${progressLine(p, startedAt)}\n`);
        }
      },
    });
    if (tty) process.stderr.write('\n');
    if (!final) throw new Error('the import record disappeared');

    if (values.rejected && final.rejected > 0) {
      const { lines } = await deps.services.imports.rejectedCsv(accountId, final._id);
      const out = createWriteStream(values.rejected);
      for await (const line of lines) if (!out.write(line)) await once(out, 'drain');
      out.end();
      await once(out, 'finish');
    }
    const seconds = (Date.now() - startedAt) / 1000;
    console.log(
      JSON.stringify(
        {
          import_id: final._id,
          status: final.status,
          error: final.error,
          rows_read: final.rows_read,
          created: final.created,
          updated: final.updated,
          unchanged: final.unchanged,
          rejected: final.rejected,
          seconds,
          rows_per_second: Math.round(final.rows_read / seconds),
          rejected_file: values.rejected && final.rejected > 0 ? values.rejected : undefined,
        },
        null,
        2,
      ),
    );
    process.exitCode = final.status === 'completed' ? 0 : 1;
  } finally {
    await deps.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

// Reads a generated CSV of 200,000 rows (about 20 MB) through what the import reads it with —
// the row size guard and csv-parser — with and without the lenient quote transform before them,
// three times each, and prints the times: what the transform costs a file.
//   npx ts-node --transpile-only scripts/bench-csv-read.ts
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import csvParser from 'csv-parser';
import { createLenientQuotes } from '../src/import/lenient-quotes';
import { createRowSizeGuard } from '../src/import/row-size-guard';

const ROWS = 200_000;
const LIMIT = 1_048_576;
const file = path.resolve(__dirname, '..', '.local', 'bench', 'csv-read.csv');

async function read(lenient: boolean): Promise<number> {
  const started = performance.now();
  const guard = createRowSizeGuard(LIMIT);
  const source = createReadStream(file);
  const bytes = lenient ? source.pipe(createLenientQuotes(LIMIT)).pipe(guard.stream) : source.pipe(guard.stream);
  let rows = 0;
  const records = bytes.pipe(csvParser({ headers: false, raw: true }));
  records.on('data', () => (rows += 1));
  await new Promise((resolve, reject) => records.on('end', resolve).on('error', reject));
  if (rows !== ROWS + 1) throw new Error(`read ${rows} records, expected ${ROWS + 1}`);
  return performance.now() - started;
}

async function main() {
  mkdirSync(path.dirname(file), { recursive: true });
  const lines = ['name,email,phone_number,identifier,labels,city,company_name,plan'];
  for (let i = 0; i < ROWS; i++) lines.push(`Person ${i} García,person${i}@example.com,+3461${String(i).padStart(7, '0')},crm-${i},"vip,lead",Lima,Acme ${i % 50},gold`);
  writeFileSync(file, lines.join('\n'));
  for (let round = 1; round <= 3; round++) {
    const plain = await read(false);
    const lenient = await read(true);
    console.log(`round ${round}: without the quote transform ${plain.toFixed(0)} ms, with it ${lenient.toFixed(0)} ms`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

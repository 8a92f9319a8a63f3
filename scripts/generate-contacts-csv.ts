// Writes a CSV of N realistic contacts for the import benchmark, with a share of bad rows of
// every kind the import rejects. Deterministic for a seed. Streams: any N in flat memory.
//
//   npm run generate-contacts-csv -- 1000000 .local/contacts-1m.csv [--bad 0.02] [--seed 1]
// The labels it uses (vip, lead, customer, churned) are created by the import when the account
// lacks them (or beforehand with the CLI's --create-labels vip,lead,customer,churned).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { csvLine } from '../src/shared/csv';

export const GENERATED_LABELS = ['vip', 'lead', 'customer', 'churned'];

const FIRST = ['José', 'María', 'Álvaro', 'Lucía', 'Sofía', 'Mateo', 'Ana', 'Luis', 'Carmen', 'Jorge', 'Valentina', 'Diego', 'Camila', 'Andrés', 'Isabel', 'John', 'Emma', 'Oliver', 'Ava', 'Noah', 'Zoë', 'Renée', 'Chloé', 'Björn', 'Ñuño'];
const LAST = ['García', 'Martínez', 'López', 'González', 'Rodríguez', 'Pérez', 'Sánchez', 'Ramírez', 'Torres', 'Flores', 'Gómez', 'Díaz', 'Muñoz', 'Smith', 'Johnson', 'Brown', 'Müller', "O'Brien", 'Castro', 'Ortega'];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Soylent', 'Stark Industries', 'Wayne Enterprises', 'Pied Piper', 'Vandelay, Inc.'];
const PLACES: [string, string, string][] = [
  ['Bogotá', 'Colombia', 'CO'],
  ['Madrid', 'Spain', 'ES'],
  ['Ciudad de México', 'Mexico', 'MX'],
  ['Buenos Aires', 'Argentina', 'AR'],
  ['Lima', 'Peru', 'PE'],
  ['Santiago', 'Chile', 'CL'],
  ['São Paulo', 'Brazil', 'BR'],
  ['New York', 'United States', 'US'],
  ['London', 'United Kingdom', 'GB'],
  ['Berlin', 'Germany', 'DE'],
];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const DOMAINS = ['example.com', 'mail.test', 'correo.test', 'empresa.test'];

const HEADER = ['id', 'name', 'email', 'identifier', 'phone_number', 'labels', 'ip_address', 'company_name', 'city', 'country', 'country_code', 'created_at', 'last_activity_at', 'custom_attribute_1', 'custom_attribute_2'];

// mulberry32: a small seeded PRNG, so a benchmark file can be regenerated exactly.
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ascii = (text: string) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '').replace(/[^a-zA-Z]/g, '').toLowerCase();

const BAD_KINDS = ['email', 'phone', 'label', 'duplicate', 'fields', 'date'] as const;

/** `firstId`: the number of the first row, which its identifier, email and phone carry (1 unless rows must not meet another file's). */
export function* generateRows(count: number, options: { bad: number; seed: number; firstId?: number }): Generator<string[]> {
  const rnd = random(options.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const now = Date.UTC(2026, 0, 1) / 1000;
  let lastGoodEmail = '';
  yield HEADER;
  const firstId = options.firstId ?? 1;
  for (let i = firstId; i < firstId + count; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const [city, country, code] = pick(PLACES);
    const created = Math.floor(now - rnd() * 5 * 365 * 86400);
    const labels = rnd() < 0.4 ? [...new Set([pick(GENERATED_LABELS), ...(rnd() < 0.3 ? [pick(GENERATED_LABELS)] : [])])] : [];
    const row = [
      String(i),
      `${first} ${last}`,
      `${ascii(first)}.${ascii(last)}.${i}@${pick(DOMAINS)}`,
      rnd() < 0.7 ? `crm-${i}` : '',
      // Unique per row, written with the separators people type.
      rnd() < 0.8 ? (rnd() < 0.5 ? `+1 (${200 + (i % 800)}) ${String(i).padStart(8, '0').slice(0, 3)}-${String(i).padStart(8, '0').slice(3)}` : `+34${600000000 + i}`) : '',
      labels.join(','),
      `10.${i % 256}.${(i >> 8) % 256}.${(i >> 16) % 256}`,
      pick(COMPANIES),
      city,
      country,
      code,
      rnd() < 0.5 ? new Date(created * 1000).toISOString() : String(created),
      rnd() < 0.6 ? String(created + Math.floor(rnd() * 86400 * 30)) : '',
      pick(PLANS),
      String(Math.floor(rnd() * 1000)),
    ];
    if (rnd() < options.bad) {
      const kind = pick(BAD_KINDS);
      if (kind === 'email') row[2] = `${ascii(first)}.at.${pick(DOMAINS)}`;
      else if (kind === 'phone') row[4] = `call me ${i}`;
      // The import creates labels the account lacks; a title that cannot be a label is what it rejects.
      else if (kind === 'label') row[5] = 'no such label!';
      else if (kind === 'duplicate' && lastGoodEmail) row[2] = lastGoodEmail.toUpperCase();
      else if (kind === 'fields') row.push('an extra field');
      else row[11] = 'last tuesday';
    } else lastGoodEmail = row[2];
    yield row;
  }
}

/** Writes the header and `count` generated rows to `file`, streaming. */
export async function writeContactsCsv(file: string, count: number, options: { bad: number; seed: number }): Promise<void> {
  const out = createWriteStream(file);
  let chunk = '';
  for (const row of generateRows(count, options)) {
    // Raw, as other systems write CSV: no apostrophes before + or -.
    chunk += csvLine(row, { neutralise: false });
    if (chunk.length > 64 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { bad: { type: 'string', default: '0.02' }, seed: { type: 'string', default: '1' } },
    allowPositionals: true,
  });
  const count = Number(positionals[0]);
  const file = positionals[1];
  if (!Number.isSafeInteger(count) || count < 0 || !file) throw new Error('usage: generate-contacts-csv <rows> <file.csv> [--bad 0.02] [--seed 1]');
  await writeContactsCsv(file, count, { bad: Number(values.bad), seed: Number(values.seed) });
  console.error(`wrote ${count} rows to ${file}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

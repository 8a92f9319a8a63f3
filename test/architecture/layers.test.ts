import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function cruise(cwd: string): { rule: string; from: string; to: string }[] {
  let out: string;
  try {
    out = execFileSync(path.join(ROOT, 'node_modules/.bin/depcruise'), ['src', '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    // depcruise exits non-zero when it finds violations; its JSON report is still on stdout.
    out = (err as { stdout: string }).stdout;
  }
  const report = JSON.parse(out) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe('the layering rule (npm run lint)', () => {
  it('when a folder imports upward, sideways or in a cycle, then each is reported', () => {
    const violations = cruise(path.join(__dirname, 'fixture'));
    expect(violations).toEqual(
      expect.arrayContaining([
        { rule: 'shared-imports-down', from: 'src/shared/text.ts', to: 'src/notes/notes.ts' },
        { rule: 'search-imports-down', from: 'src/search/query.ts', to: 'src/contacts/contact.ts' },
        { rule: 'labels-imports-down', from: 'src/labels/labels.ts', to: 'src/notes/notes.ts' },
        expect.objectContaining({ rule: 'no-circular', from: 'src/contacts/contact.ts', to: 'src/search/query.ts' }),
      ]),
    );
    // The downward import labels → contacts is allowed.
    expect(violations).not.toContainEqual(expect.objectContaining({ from: 'src/labels/labels.ts', to: 'src/contacts/contact.ts', rule: 'labels-imports-down' }));
  });

  it('when the real source tree is cruised, then it has no violation', () => {
    expect(cruise(ROOT)).toEqual([]);
  }, 120000);
});

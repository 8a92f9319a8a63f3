// Folders import in one direction: a module may import its own folder and the folders of
// lower tiers, never a higher tier nor a sibling of its own tier. The README draws these
// tiers; `npm run lint` fails on an upward import, a sideways one or any cycle.
const TIERS = [
  ['shared'],
  ['records', 'accounts'],
  ['search'],
  ['contacts'],
  ['labels', 'notes', 'inboxes', 'custom-attributes', 'segments'],
  ['bulk-actions', 'export', 'import', 'messaging'],
  ['capture'],
];
// The composition root (app.ts, dependencies.ts, main-*.ts, config.ts) and the OpenAPI
// document sit above every feature; nothing under a feature folder may import them.
const ROOT = '^src/([^/]+\\.ts$|openapi/)';

const folder = (name) => `^src/${name}/`;
const rules = [];
TIERS.forEach((tier, level) => {
  const higher = TIERS.slice(level + 1).flat();
  for (const name of tier) {
    const siblings = tier.filter((other) => other !== name);
    const forbidden = [...higher, ...siblings].map(folder);
    rules.push({
      name: `${name}-imports-down`,
      comment: `src/${name} (tier ${level}) may import only lower tiers: ${TIERS.slice(0, level).flat().join(', ') || 'nothing'}`,
      severity: 'error',
      from: { path: folder(name) },
      to: { path: [...forbidden, ROOT] },
    });
  }
});

module.exports = {
  forbidden: [
    ...rules,
    {
      name: 'no-circular',
      comment: 'a cycle ties modules so that neither can change or be tested alone',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-from-tests-or-scripts',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type borrowed from a higher layer is still an upward arrow.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

import { normalizeEmail } from '../../src/records/contact-fields';

describe('normalizeEmail', () => {
  it.each(['Ana@Example.COM', ' ana.garcia+vip@example.org ', 'ü@münchen.de', "o'brien@example.ie"])('when %j is given, then it is kept, trimmed and lowercased', (raw) => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, value: raw.trim().toLowerCase() });
  });

  it.each(['a\u0000@x.com', 'a@x\u0007.com', 'a\u001b[31m@x.com', 'a@x.com\u007f', 'a b@x.com', 'a@x', '@x.com', 'a@@x.com', 'a@x.', 'x\u200b@y.com', 'a@b..com', 'a@.b.com', 'a@b.com.', 'a\u2060b@x.com'])(
    'when %j is given, then it is refused, quoted with its control and invisible characters escaped',
    (raw) => {
      expect(normalizeEmail(raw)).toEqual({ ok: false, error: `${JSON.stringify(raw)} is not a valid email address` });
    },
  );
});

import { loggableUrl } from '../../src/shared/redact';

describe('a URL as a log line shows it', () => {
  // Found by a black-box operator: these spellings were written to the log in clear.
  it.each([
    ['/x?apikey=S1', '/x?apikey=[redacted]'],
    ['/x?apiKey=S1&name=ana', '/x?apiKey=[redacted]&name=ana'],
    ['/x?API-KEY=S1', '/x?API-KEY=[redacted]'],
    ['/x?toke%6E=S1', '/x?toke%6E=[redacted]'],
    ['/x?api_access_token=S1&password=S2&client_secret=S3', '/x?api_access_token=[redacted]&password=[redacted]&client_secret=[redacted]'],
    ['/x?key=S1&sig=S2&identifier_hash=S3&Authorization=S4', '/x?key=[redacted]&sig=[redacted]&identifier_hash=[redacted]&Authorization=[redacted]'],
    ['/x?token[]=S1#frag', '/x?token[]=[redacted]#frag'],
    ['/x?private_key=S1&accessKey=S2&jwt=S3&pass=S4', '/x?private_key=[redacted]&accessKey=[redacted]&jwt=[redacted]&pass=[redacted]'],
    ['/public/api/v1/inboxes/abc/contacts/visitor-secret/conversations?x=1', '/public/api/v1/inboxes/abc/contacts/[redacted]/conversations?x=1'],
    ['/public/api/v1/inboxes/abc/contacts/visitor-secret', '/public/api/v1/inboxes/abc/contacts/[redacted]'],
    // As the router matches it: in any case, its letters escaped (2026-12-05).
    ['/PUBLIC/api/v1/inboxes/abc/contacts/SRC123', '/PUBLIC/api/v1/inboxes/abc/contacts/[redacted]'],
    ['/public/api/v1/inboxes/abc/contact%73/SRC123?x=1', '/public/api/v1/inboxes/abc/contacts/[redacted]?x=1'],
  ])('when %s is logged, then credential values are redacted: %s', (url, logged) => {
    expect(loggableUrl(url)).toBe(logged);
  });

  it('when parameters name no credential, then they are logged as they are', () => {
    expect(loggableUrl('/contacts?sort=-name&page=2&labels[]=vip&q=%C3%A1')).toBe('/contacts?sort=-name&page=2&labels[]=vip&q=%C3%A1');
    expect(loggableUrl('/contacts')).toBe('/contacts');
    expect(loggableUrl('/public/api/v1/inboxes/abc/contacts')).toBe('/public/api/v1/inboxes/abc/contacts');
    expect(loggableUrl('/x?bad=%E0%A4%A')).toBe('/x?bad=%E0%A4%A');
  });
});

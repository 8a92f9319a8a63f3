import { exportColumns } from '../../src/export/contact-export.service';
import type { ContactPayload } from '../../src/records/contact.presenter';

describe('export columns', () => {
  // `STANDARD[name]` once found Object.prototype's members: a "constructor" column wrote "function Object() …".
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('when a column is named %s, then it is a custom attribute of that key, empty here', (name) => {
    const { names, read } = exportColumns(['name', name]);
    expect(names).toEqual(['name', name]);
    const contact = { name: 'Ana', custom_attributes: {} } as unknown as ContactPayload;
    expect(read.map((r) => r(contact))).toEqual(['Ana', undefined]);
  });
});

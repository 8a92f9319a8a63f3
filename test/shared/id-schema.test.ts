import { bodyId } from '../../src/shared/id-schema';

describe('bodyId', () => {
  const id = bodyId('mergee_contact_id must be a contact id (a positive integer)');
  const messageOf = (input: unknown) => {
    const result = id.safeParse(input);
    return result.success ? undefined : result.error.issues.map((i) => i.message);
  };

  it('reads a number or a string of digits', () => {
    expect(id.parse(12)).toBe(12);
    expect(id.parse(' 12 ')).toBe(12);
  });

  // A string that is not digits said "Invalid string: must match pattern /^\s*\d{1,15}\s*$/".
  it('says a missing id is missing, when told how', () => {
    const inbox = bodyId('inbox_id must be an inbox id (a positive integer)', 'inbox_id is required: the inbox the message is sent through');
    expect(inbox.safeParse(undefined).error?.issues.map((i) => i.message)).toEqual(['inbox_id is required: the inbox the message is sent through']);
    expect(inbox.safeParse('x').error?.issues.map((i) => i.message)).toEqual(['inbox_id must be an inbox id (a positive integer)']);
    expect(messageOf(undefined)).toEqual(['mergee_contact_id must be a contact id (a positive integer)']);
  });

  it.each([['abc'], ['1e1'], [''], ['-3'], [true], [[4]], [0], [1.5], [null]])('refuses %p in the words it was given', (input) => {
    expect(messageOf(input)).toEqual(['mergee_contact_id must be a contact id (a positive integer)']);
  });
});

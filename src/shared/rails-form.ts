import { BadRequestError, ValidationError } from './errors';

/*
 * Form fields read as Rails reads them, for the routes that take a body as form fields too
 * (form-body.ts): `a[b][c]=x` is {a: {b: {c: "x"}}}, `a[]=x&a[]=y` is {a: ["x", "y"]}, a key of
 * digits is a key like any other (`custom_attributes[0]`), and a name given twice keeps its last
 * value. Objects are built with own properties only, so `__proto__` is a key like any other, which
 * the route's validation refuses as it refuses it in a JSON body. Anything Rails would not read
 * the same way is a 4xx naming the field, never a guess: text that is not UTF-8 (it was stored
 * as `Jos%E9`), a name with unbalanced brackets, a name that is both a value and a group.
 */

export type FormPair = [name: string, value: string];

/** A field name as an error quotes it: a name of 200,000 characters was echoed whole, four times. */
export const shownName = (name: string) => JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);

/** Longer names are no field of any route: refused before they are echoed or nested. */
const MAX_NAME_LENGTH = 1000;

const NAME = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

/** The segments of a field name: `a[b][]` → ['a', 'b', '']; a 422 naming it when Rails would not read it so. */
function segmentsOf(name: string, maxDepth: number): string[] {
  if (name.length > MAX_NAME_LENGTH) throw new ValidationError(`form field ${shownName(name)} has a name longer than ${MAX_NAME_LENGTH} characters`);
  const match = NAME.exec(name);
  if (!match) throw new ValidationError(`form field ${shownName(name)} is not a field name (name, or name[key], name[] …)`, name);
  const keys = [...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]);
  if (keys.length > maxDepth) throw new ValidationError(`form field ${shownName(name)} nests deeper than ${maxDepth} levels`, name);
  if (keys.slice(0, -1).includes('')) throw new ValidationError(`form field ${shownName(name)}: [] may only end a name (a list of values)`, name);
  return [match[1], ...keys];
}

type Node = Map<string, Node | string | string[]>;

/** The fields nested as Rails nests them (above); a field without a name is skipped, as Rack skips it. */
export function nestFormFields(pairs: FormPair[], maxDepth = 5): Record<string, unknown> {
  const root: Node = new Map();
  for (const [name, value] of pairs) {
    if (name === '') continue;
    const segments = segmentsOf(name, maxDepth);
    const conflict = () => new ValidationError(`form field ${shownName(name)} is both a value and a group of fields`, name);
    // `a[b][]` appends to the list at a → b; `a[b][c]` sets c in the group at a → b.
    const appends = segments.at(-1) === '';
    const key = appends ? segments.at(-2)! : segments.at(-1)!;
    let node = root;
    for (const group of segments.slice(0, appends ? -2 : -1)) {
      const next = node.get(group) ?? new Map();
      if (!(next instanceof Map)) throw conflict();
      node.set(group, next);
      node = next;
    }
    const held = node.get(key);
    if (appends) {
      if (held !== undefined && !Array.isArray(held)) throw conflict();
      node.set(key, [...(held ?? []), value]);
    } else {
      if (held instanceof Map || Array.isArray(held)) throw conflict();
      node.set(key, value);
    }
  }
  return toObject(root);
}

// Object.fromEntries defines own properties: a key named __proto__ stays a key, never a prototype.
const toObject = (node: Node): Record<string, unknown> => Object.fromEntries([...node].map(([key, value]) => [key, value instanceof Map ? toObject(value) : value]));

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as UTF-8, or a 400 saying what is not. */
export function strictUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BadRequestError(`${what} is not valid UTF-8 (a form is read as UTF-8, whatever charset it names)`);
  }
}

function decodeComponent(raw: string, what: () => string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new BadRequestError(`${what()} is not valid percent-encoded UTF-8`);
  }
}

/** The fields of an application/x-www-form-urlencoded body, in order; more than `maxFields`, or a value over `maxFieldBytes`, is a 422. */
export function urlencodedPairs(body: Uint8Array, maxFields: number, maxFieldBytes: number): FormPair[] {
  const parts = strictUtf8(body, 'the form').split('&').filter((part) => part !== '');
  if (parts.length > maxFields) throw new ValidationError(`the form has more than ${maxFields} fields, the limit of a form`);
  return parts.map((part) => {
    const at = part.indexOf('=');
    const name = decodeComponent(at < 0 ? part : part.slice(0, at), () => `a form field name (${shownName(part.slice(0, 60))})`);
    const value = at < 0 ? '' : decodeComponent(part.slice(at + 1), () => `form field ${shownName(name)}`);
    if (Buffer.byteLength(value) > maxFieldBytes) throw new ValidationError(`form field ${shownName(name)} is longer than ${maxFieldBytes} bytes, the limit of a field`, name);
    return [name, value];
  });
}

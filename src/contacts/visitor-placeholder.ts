import { randomBytes } from 'node:crypto';

/**
 * A new website visitor's contact needs a name until the visitor gives something (a contact needs
 * one of name, email, phone or identifier). It is not the person's name: merged with a known
 * contact, the known contact's name is kept whichever side the visitor is on.
 */
export const placeholderVisitorName = () => `Visitor ${randomBytes(3).toString('hex')}`;

const PLACEHOLDER_NAME = /^Visitor [0-9a-f]{6}$/;

export const isPlaceholderVisitorName = (name: string) => PLACEHOLDER_NAME.test(name);

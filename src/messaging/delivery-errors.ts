/** Worth another try later: a timeout, a refused connection, a 5xx or 429, an SMTP 4xx. */
export class TransientDeliveryError extends Error {}

/** Will fail the same way every time: a 4xx from the provider, an SMTP 5xx, a contact without an address. */
export class PermanentDeliveryError extends Error {}

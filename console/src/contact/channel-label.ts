/** An inbox as the new-message picker shows it. */
export interface ChannelInbox {
  name: string;
  channel_type: string;
}

/**
 * A channel in the new-message picker: the inbox and the contact's address there (the e-mail or
 * number a message goes to), or why the contact cannot be reached there. A website contact's
 * address is its widget session's id, which tells the user nothing: it shows as verified instead.
 */
export function channelLabel(inbox: ChannelInbox, address: string | undefined, texts: { unreachable: string; verified: string }): string {
  if (address === undefined) return `${inbox.name} — ${texts.unreachable}`;
  return `${inbox.name} (${inbox.channel_type === 'Channel::WebWidget' ? texts.verified : address})`;
}

import { channelLabel } from '../../console/src/contact/channel-label';

const texts = { unreachable: 'the contact has no email', verified: 'HMAC-verified visitor' };

describe('a channel in the new-message picker', () => {
  it('when the contact is reached by e-mail, SMS or WhatsApp, then its address there is shown', () => {
    expect(channelLabel({ name: 'Shop support', channel_type: 'Channel::Email' }, 'mia@example.com', texts)).toBe('Shop support (mia@example.com)');
    expect(channelLabel({ name: 'SMS', channel_type: 'Channel::Sms' }, '+51987654321', texts)).toBe('SMS (+51987654321)');
  });

  it('when the contact is a verified website visitor, then it shows as verified, not as its session id', () => {
    expect(channelLabel({ name: 'Web', channel_type: 'Channel::WebWidget' }, '0c67b13e-5d2a-4b8e-9f1a-2b3c4d5e6f70', texts)).toBe('Web (HMAC-verified visitor)');
  });

  it('when the contact cannot be reached there, then the reason is shown', () => {
    expect(channelLabel({ name: 'Shop support', channel_type: 'Channel::Email' }, undefined, texts)).toBe('Shop support — the contact has no email');
  });
});

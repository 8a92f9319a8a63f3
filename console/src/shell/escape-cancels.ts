import type { KeyboardEvent } from 'react';

/** A keydown handler for a panel, editor or confirmation: Escape gives it up, as its Cancel does. */
export const escapeCancels = (cancel: () => void) => (event: KeyboardEvent) => {
  if (event.key === 'Escape') {
    event.preventDefault();
    cancel();
  }
};

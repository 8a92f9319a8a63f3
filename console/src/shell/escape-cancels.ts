import type { KeyboardEvent } from 'react';

/** A keydown handler for a panel, editor or confirmation: Escape gives it up, as its Cancel does. */
export const escapeCancels = (cancel: () => void) => (event: KeyboardEvent) => {
  if (event.key === 'Escape') {
    event.preventDefault();
    cancel();
  }
};

/**
 * A ref callback for a panel opened by a button (new contact, export, filter builder): the focus
 * moves to its first control once it shows, so that Escape closes it from there and Tab goes
 * through it first (it used to stay on the button, where Escape did nothing).
 */
export const focusFirstControl = (panel: HTMLElement | null): void => {
  if (panel && !panel.contains(document.activeElement)) panel.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
};

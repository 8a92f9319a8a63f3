import { useEffect, useRef } from 'react';

/**
 * Where the focus goes once a change has rendered: a button that replaced itself (a confirmation
 * given up, an editor closed) or an item gone (a note deleted, a label removed) used to leave
 * the focus on the page's top, and a keyboard user had to start again from there. `focusLater`
 * names an element of `root` (a CSS selector) to focus after the next render.
 */
export function useFocusLater<T extends HTMLElement>() {
  const root = useRef<T | null>(null);
  const pending = useRef<string | null>(null);
  useEffect(() => {
    const selector = pending.current;
    if (!selector) return;
    // Kept until a render holds the element (a render in between, from another update, may not yet).
    const target = root.current?.querySelector<HTMLElement>(selector);
    if (!target) return;
    pending.current = null;
    target.focus();
  });
  return { root, focusLater: (selector: string) => void (pending.current = selector) };
}

/**
 * True when the focus was lost (on the page's body): a screen that replaced the one holding it (a
 * filter applied, a segment saved or deleted, a contact opened or left) then takes it to its title,
 * where a keyboard user carries on, instead of starting again from the page's top. A focus that
 * is still somewhere (the sidebar's button that opened the screen) is left where it is.
 */
export const focusIsLost = (): boolean => document.activeElement === null || document.activeElement === document.body;

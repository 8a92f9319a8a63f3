// An event handler or style attribute (onerror=…, style=…) inside a tag, with what separates it from the tag's name.
const INLINE_ATTRIBUTE = /([\s/"'])(?:on[a-z]+|style)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*)/gi;

/**
 * Raw HTML of a note without event handlers and inline styles. Not the guard (DOMPurify is): the
 * console's Content-Security-Policy already blocks inline handlers and styles, but Chromium
 * reports each one it meets as a CSP violation in the console even while parsing into an inert
 * document, as DOMPurify does — console errors every time such a note was shown. (<style>
 * elements go with their rules over the whole note: withoutElementContents.)
 */
export function withoutInlineCode(html: string): string {
  return html.replace(/<[^>]*>/g, (tag) => tag.replace(INLINE_ATTRIBUTE, '$1'));
}

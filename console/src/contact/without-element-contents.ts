// Elements whose content is no text for a reader: code, rules, templates, embedded documents and
// drawings, and what the browser shows only without scripts or frames.
const ELEMENTS = 'script|style|template|noscript|noembed|noframes|xmp|title|textarea|select|iframe|object|svg|math';
// Such an element with its content (to its end, or to the end of the text when it is not closed), or a stray closing tag.
const ELEMENT_WITH_CONTENT = new RegExp(`<(${ELEMENTS})\\b[^>]*>[\\s\\S]*?(?:</\\1\\s*>|$)|</(?:${ELEMENTS})\\s*>`, 'gi');
// Empty elements that act on the document that parses them: Chromium checked a note's
// <base href> against the console's `base-uri 'none'` as DOMPurify parsed it, and logged a
// violation each time the note was shown. They have no content, so only the tag goes.
const DOCUMENT_TAG = /<\/?(?:base|link|meta)\b[^>]*>/gi;

/**
 * A note's rendered HTML without the elements above, content and all. Run over the whole of
 * marked's output (whose text is escaped, so a tag in it is the note's raw HTML): marked hands an
 * inline `<style>` and its `</style>` over as two pieces, and taking the tags out piece by piece
 * left the rules (`body{display:none}`) as text in the note. DOMPurify is still the guard; this
 * also keeps a <style> from being parsed at all (Chromium reported each one as a CSP violation).
 */
export function withoutElementContents(html: string): string {
  return html.replace(ELEMENT_WITH_CONTENT, '').replace(DOCUMENT_TAG, '');
}

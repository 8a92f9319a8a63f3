import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { withoutElementContents } from './without-element-contents';
import { withoutInlineCode } from './without-inline-code';

// A note is written by one user and read by every other: what it may hold is what Markdown
// makes, nothing that could restyle or overlay the console (<style>, style=""), ask for input
// (<form>, <input>, <button>), embed another page (<iframe>, <object>) or load anything.
const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'strong', 'b', 'em', 'i', 'del', 's', 'code', 'pre', 'blockquote', 'kbd', 'sub', 'sup',
  'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  // Only to be replaced below by a link: no image is loaded.
  'img',
];
const ALLOWED_ATTR = ['href', 'title', 'alt', 'src', 'align', 'start'];

// GFM task lists become ☐/☑ rather than <input type="checkbox">, which is not allowed.
const markdown = new Marked({ async: false, gfm: true, breaks: true });
markdown.use({ renderer: { checkbox: ({ checked }) => (checked ? '☑ ' : '☐ '), html: ({ text }) => withoutInlineCode(text) } });

/**
 * A note's Markdown as safe HTML: marked renders it (raw HTML in the Markdown passes through
 * marked untouched), then DOMPurify keeps only the tags and attributes above (no scripts, event
 * handlers, javascript: URLs, styles, forms or frames). Images are never loaded: a remote image
 * (a tracking pixel, say, telling its sender who read the note and when) is shown as a link to
 * its address; any other image as its alt text. Links open in a new tab without a referrer.
 */
export function renderMarkdown(source: string, imageLabel = 'Image'): string {
  const html = withoutElementContents(markdown.parse(source) as string);
  // The fragment belongs to DOMPurify's inert document, where an <img> loads nothing.
  const fragment = DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, RETURN_DOM_FRAGMENT: true });
  const inert = fragment.ownerDocument;
  for (const img of Array.from(fragment.querySelectorAll('img'))) {
    const src = img.getAttribute('src') ?? '';
    const alt = img.getAttribute('alt') ?? '';
    if (/^https?:\/\//i.test(src)) {
      const link = inert.createElement('a');
      link.setAttribute('href', src);
      link.setAttribute('title', src);
      link.className = 'image-link';
      link.textContent = `${imageLabel}: ${alt || src}`;
      img.replaceWith(link);
    } else img.replaceWith(inert.createTextNode(alt));
  }
  for (const link of Array.from(fragment.querySelectorAll('a'))) {
    link.setAttribute('target', '_blank');
    link.setAttribute('rel', 'noopener noreferrer nofollow');
  }
  const holder = inert.createElement('div');
  holder.append(fragment);
  return holder.innerHTML;
}

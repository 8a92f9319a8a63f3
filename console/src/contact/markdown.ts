import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * A note's Markdown as safe HTML: marked renders it (raw HTML in the Markdown passes through
 * marked untouched), then DOMPurify removes scripts, event handlers and javascript: URLs.
 */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}

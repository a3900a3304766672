/**
 * Putting data into the notebooks as text, never as markup. The notebooks show strings
 * that come from files (an experiment's name and purpose, defense, shaper and observer
 * names, a sweep's name), and those files may have been made by someone else: a
 * `purpose` of `<img src=x onerror=…>` must show those characters, not run a script.
 *
 * - In a Markdown cell, interpolate `text(value)`: Notebook Kit's `md` inserts a DOM node
 *   as that node (after rendering the Markdown around it), so the value is neither parsed
 *   as HTML nor as Markdown, whatever it holds.
 * - In a JS cell, build elements with `textContent` (or `cell(tag, value)` below); never
 *   assign data to `innerHTML`.
 * - Where a string must become HTML source (the server's page list), `escapeHtml` it.
 *
 * @example
 * // in a text/markdown cell:  **${text(metrics.experiment)}**: ${text(metrics.purpose)}
 */

/** A text node holding `value` as characters (null and undefined show as "–"). */
export function text(value: unknown): Text {
  return document.createTextNode(value === null || value === undefined ? "–" : String(value));
}

/** An element `<tag>` whose only content is `value` as text. */
export function cell<K extends keyof HTMLElementTagNameMap>(tag: K, value: unknown): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.textContent = value === null || value === undefined ? "–" : String(value);
  return e;
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

/** `value` with every character that is special in HTML text or attributes escaped. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

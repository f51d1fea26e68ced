/** Escapes text for an HTML body, so generated and posted `html` never carries live markup by accident. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

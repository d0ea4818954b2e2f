/** Each GraphiQL code editor, and the name its hidden text field gets. */
const EDITORS: [string, string][] = [
  ['.graphiql-query-editor', 'Query'],
  ['.graphiql-editor-tool > .graphiql-editor:nth-child(1)', 'Variables'],
  ['.graphiql-editor-tool > .graphiql-editor:nth-child(2)', 'Headers'],
  ['.result-window', 'Response'],
];

function set(el: Element, name: string, value: string | null) {
  if (el.getAttribute(name) === value) return;
  if (value === null) el.removeAttribute(name);
  else el.setAttribute(name, value);
}

/** One pass over the explorer: see patchAccessibility. */
export function fixAccessibility(root: ParentNode) {
  for (const [where, name] of EDITORS) {
    root.querySelectorAll(`${where} .CodeMirror textarea`).forEach((t) => set(t, 'aria-label', name));
  }
  // A tab that holds a button is two controls in one; the button becomes the tab.
  root.querySelectorAll('li.graphiql-tab').forEach((li) => {
    const button = li.querySelector('button.graphiql-tab-button');
    if (!button) return;
    set(li, 'role', 'presentation');
    set(li, 'aria-selected', null);
    set(button, 'role', 'tab');
    set(button, 'aria-selected', String(li.classList.contains('graphiql-tab-active')));
  });
  // The query editor scrolls, and a keyboard must be able to reach what it scrolls.
  root.querySelectorAll('.graphiql-query-editor .CodeMirror-scroll').forEach((s) => set(s, 'tabindex', '0'));
}

/**
 * GraphiQL leaves a few gaps that screen-reader and keyboard users meet: its code editors'
 * text fields have no names, its tabs nest a button inside an element that is itself a tab,
 * and the query editor scrolls without being reachable by keyboard. This closes them as the
 * explorer renders and re-renders, and returns the function that stops watching.
 */
export function patchAccessibility(root: HTMLElement): () => void {
  fixAccessibility(root);
  const watch = new MutationObserver(() => fixAccessibility(root));
  watch.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  return () => watch.disconnect();
}

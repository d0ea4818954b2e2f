// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { fixAccessibility } from './a11y';

const explorer = () => {
  const root = document.createElement('div');
  root.innerHTML = `
    <ul role="tablist">
      <li role="tab" aria-selected="true" class="graphiql-tab graphiql-tab-active"><button class="graphiql-tab-button">One</button><button class="graphiql-tab-close">x</button></li>
      <li role="tab" aria-selected="false" class="graphiql-tab"><button class="graphiql-tab-button">Two</button></li>
    </ul>
    <div class="graphiql-query-editor"><div class="graphiql-editor"><div class="CodeMirror"><div><textarea></textarea></div><div class="CodeMirror-scroll"></div></div></div></div>
    <section class="graphiql-editor-tool">
      <div class="graphiql-editor"><div class="CodeMirror"><div><textarea></textarea></div></div></div>
      <div class="graphiql-editor hidden"><div class="CodeMirror"><div><textarea></textarea></div></div></div>
    </section>
    <section class="result-window"><div class="CodeMirror"><div><textarea readonly></textarea></div></div></section>`;
  return root;
};

describe('fixAccessibility', () => {
  it('names every editor and makes the query editor reachable', () => {
    const root = explorer();
    fixAccessibility(root);
    expect([...root.querySelectorAll('textarea')].map((t) => t.getAttribute('aria-label'))).toEqual([
      'Query',
      'Variables',
      'Headers',
      'Response',
    ]);
    expect(root.querySelector('.CodeMirror-scroll')?.getAttribute('tabindex')).toBe('0');
  });

  it('makes the tab buttons the tabs, following which one is active', () => {
    const root = explorer();
    fixAccessibility(root);
    const tabs = [...root.querySelectorAll('[role="tab"]')];
    expect(tabs.map((t) => [t.tagName, t.textContent, t.getAttribute('aria-selected')])).toEqual([
      ['BUTTON', 'One', 'true'],
      ['BUTTON', 'Two', 'false'],
    ]);
    expect([...root.querySelectorAll('li')].every((li) => li.getAttribute('role') === 'presentation' && !li.hasAttribute('aria-selected'))).toBe(true);

    const [first, second] = root.querySelectorAll('li');
    first!.classList.remove('graphiql-tab-active');
    second!.classList.add('graphiql-tab-active');
    fixAccessibility(root);
    expect(tabs.map((t) => t.getAttribute('aria-selected'))).toEqual(['false', 'true']);
  });
});

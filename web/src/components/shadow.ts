// CodeMirror injects its styles with style-mod, which writes a <style>
// element into a document, and the UI's Content-Security-Policy
// (style-src 'self') refuses inline style elements. In a shadow root
// style-mod uses a constructed style sheet (adoptedStyleSheets) instead,
// which the policy allows: so every CodeMirror view is mounted in one.

/** An open shadow root on host (reused) with an empty container filling it. */
export function shadowMount(host: HTMLElement): { root: ShadowRoot; parent: HTMLElement } {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  root.replaceChildren();
  const parent = document.createElement('div');
  parent.style.height = '100%';
  root.append(parent);
  return { root, parent };
}

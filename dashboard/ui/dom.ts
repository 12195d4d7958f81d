/**
 * A few lines instead of a framework: build elements with attributes and children, attach
 * handlers, show notices. No `style` attribute ever (the Content-Security-Policy forbids
 * it); layout lives in app.css, and the rare computed size is set through `element.style`.
 */

export type Child = Node | string | number | null | undefined | false;
export type AttrValue = string | number | boolean | null | undefined;

function setAttrs(el: Element, attrs: Record<string, AttrValue>): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Replaces an element's children, skipping the empty ones (`false`, `null`...). */
export function setChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** Adds a listener and returns the element, so it can sit inside an `h(...)` tree. */
export function listen<E extends HTMLElement, T extends keyof HTMLElementEventMap>(
  el: E,
  type: T,
  handler: (event: HTMLElementEventMap[T]) => void,
): E {
  el.addEventListener(type, handler);
  return el;
}

export function button(label: string, onClick: () => void, attrs: Record<string, AttrValue> = {}) {
  return listen(h('button', { type: 'button', ...attrs }, label), 'click', onClick);
}

/**
 * A button that asks before doing something hard to undo: a click puts the question, a
 * confirming button and Cancel in its place.
 */
export function confirmingButton(
  label: string,
  question: string,
  confirmLabel: string,
  action: () => void,
  attrs: Record<string, AttrValue> = {},
): HTMLElement {
  const holder = h('span', { class: 'confirming' });
  const start = () => holder.replaceChildren(ask);
  const ask = button(
    label,
    () =>
      holder.replaceChildren(
        h('span', { class: 'question' }, question),
        ' ',
        button(confirmLabel, action, { class: 'danger' }),
        ' ',
        button('Cancel', start),
      ),
    attrs,
  );
  start();
  return holder;
}

export type NoticeKind = 'error' | 'success' | 'info';

/** A message box; errors are announced to screen readers as they appear. */
export function notice(kind: NoticeKind, text: string): HTMLParagraphElement {
  return h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** A section with a heading. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...children);
}

/** A table with a header row. */
export function table(
  className: string,
  headers: readonly string[],
  rows: readonly HTMLTableRowElement[],
): HTMLTableElement {
  return h(
    'table',
    { class: className },
    h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, ...rows),
  );
}

/** One table row; each child becomes a cell (a ready-made cell, e.g. one with a class, is kept). */
export function row(attrs: Record<string, AttrValue>, ...cells: Child[]): HTMLTableRowElement {
  return h('tr', attrs, ...cells.map((c) => (c instanceof HTMLTableCellElement ? c : h('td', {}, c))));
}

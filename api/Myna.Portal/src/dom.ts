// A tiny element builder: text always goes in as text nodes, never as HTML.
export type Child = Node | string | number | null | undefined | false;
type Attribute = string | number | boolean | null | undefined | ((event: Event) => void);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, Attribute> | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

export function clear(element: Element): void {
  while (element.firstChild) {
    element.removeChild(element.firstChild);
  }
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`#${id} is missing from the page`);
  }
  return element as T;
}

/** A definition list of label/value pairs. */
export function facts(rows: Array<[string, Child]>): HTMLDListElement {
  const list = h("dl", { class: "facts" });
  for (const [label, value] of rows) {
    append(list, h("dt", null, label), h("dd", null, value));
  }
  return list;
}

let sequence = 0;

/** A unique id for label/description wiring. */
export function uid(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

/** Says a message through the page's polite live region (cleared first, so the same message is read again). */
export function announce(message: string): void {
  const status = byId("status");
  status.textContent = "";
  window.setTimeout(() => {
    status.textContent = message;
  }, 50);
}

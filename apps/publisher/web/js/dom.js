// DOM helpers. Data only ever enters the page as text nodes or attribute values: nothing here parses HTML.

/**
 * Creates an element. `props`: `class`, `dataset` (object), `on<event>` listeners, anything else as an attribute.
 * Children are nodes or values; values become text nodes.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = String(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}

/** Replaces the element's text (never its HTML). */
export function setText(node, text) {
  node.textContent = text === null || text === undefined ? '' : String(text);
}

export function show(node, visible) {
  node.hidden = !visible;
}

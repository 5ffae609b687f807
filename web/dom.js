// Small DOM helpers. Every piece of data reaches the page as a text node or an attribute value
// (createElement / textContent / setAttribute), never as HTML, so nothing the API returns can
// inject markup. No inline styles either: the page runs under CSP "default-src 'self'".

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (key === 'value' && el instanceof HTMLSelectElement) {
      el.value = value;
    } else if (key === 'checked' || key === 'selected' || key === 'disabled' || key === 'hidden') {
      el.setAttribute(key, '');  // the attribute is the default that form.reset() returns to
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Appends children to el: strings become text nodes, arrays are flattened, null/false skipped.
export function mount(el, ...children) {
  append(el, children);
  return el;
}

// h('a', {href: '#/users', class: 'x', onclick: fn}, 'text', otherNode, [more]).
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// The same for SVG elements (charts).
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

// "2026-11-27T19:02:11.123Z" -> "2026-11-27 19:02:11 UTC"; null -> the fallback.
export function fmtTime(iso, fallback = '—') {
  if (!iso) return fallback;
  return String(iso).replace('T', ' ').replace(/\.\d+Z$|Z$/, '') + ' UTC';
}

export function badge(text, kind) {
  return h('span', {class: ['badge', kind && 'badge-' + kind]}, text);
}

// A table from column definitions: [{title, cell: row => node|string, class?}].
export function table(columns, rows, emptyText = 'Nothing here yet.') {
  if (!rows.length) return h('p', {class: 'empty'}, emptyText);
  return h('div', {class: 'table-scroll'}, h('table', {class: 'grid'},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', {class: c.class}, c.title)))),
    h('tbody', {}, rows.map((row) =>
      h('tr', {}, columns.map((c) => h('td', {class: c.class}, c.cell(row))))))));
}

// A labelled form field; `input` is an <input>/<select>/<textarea>.
export function field(label, input, help) {
  return h('label', {class: 'field'},
    h('span', {class: 'field-label'}, label), input,
    help ? h('span', {class: 'field-help'}, help) : null);
}

export function select(name, options, value) {
  return h('select', {name},
    options.map((o) => {
      const [val, text] = Array.isArray(o) ? o : [o, o];
      return h('option', {value: val, selected: val === value}, text);
    }));
}

// An area for the outcome of an action: show(err) / ok(text) / clear().
export function notice() {
  const el = h('div', {class: 'notice', role: 'status', hidden: true});
  return {
    el,
    error(err) {
      el.className = 'notice notice-error';
      el.textContent = err && err.message ? err.message : String(err);
      el.hidden = false;
    },
    ok(text) {
      el.className = 'notice notice-ok';
      el.textContent = text;
      el.hidden = false;
    },
    clear() { el.hidden = true; el.textContent = ''; },
  };
}

// A secret (generated password, API key, webhook secret) shown exactly once: the value lives
// only in this box, which the operator closes after copying it.
export function secretBox(title, secret, warning) {
  const code = h('code', {class: 'secret-value'}, secret);
  const status = h('span', {class: 'copy-status'});
  const copy = h('button', {type: 'button', class: 'btn', onclick: async () => {
    try {
      await navigator.clipboard.writeText(secret);
      status.textContent = 'Copied.';
    } catch {
      window.getSelection().selectAllChildren(code);
      status.textContent = 'Selected: press Ctrl+C to copy.';
    }
  }}, 'Copy');
  const box = h('div', {class: 'secret-box', role: 'alert'},
    h('h3', {}, title),
    h('div', {class: 'secret-line'}, code, copy, status),
    h('p', {class: 'warning'}, warning),
    h('button', {type: 'button', class: 'btn btn-quiet', onclick: () => box.remove()},
      'I have copied it — hide'));
  return box;
}

// A modal confirmation; resolves true when the operator confirms.
export function confirmAction(message, actionLabel = 'Confirm', danger = true) {
  return new Promise((resolve) => {
    const ok = h('button', {type: 'button', class: ['btn', danger && 'btn-danger']}, actionLabel);
    const cancel = h('button', {type: 'button', class: 'btn btn-quiet'}, 'Cancel');
    const dialog = h('dialog', {class: 'confirm'},
      h('p', {}, message), h('div', {class: 'actions'}, cancel, ok));
    ok.addEventListener('click', () => dialog.close('ok'));
    cancel.addEventListener('click', () => dialog.close('cancel'));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'ok');
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

// Splits "a, b\nc" into ["a", "b", "c"].
export function splitList(text) {
  return String(text || '').split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
}

export function pageHeader(title, ...extra) {
  return h('div', {class: 'page-header'}, h('h1', {}, title), ...extra);
}

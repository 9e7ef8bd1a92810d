import { el } from './dom.js';

// A form whose fields are named as the API names them, so a problem's `errors` land next to their field.
export function form({ title, fields, submitText, onSubmit, testid }) {
  const errorFor = new Map();
  const general = el('p', { class: 'error', role: 'alert', 'data-testid': `${testid}-error` });
  const inputs = fields.map((field) => {
    const id = `${testid}-${field.name}`;
    const error = el('p', { class: 'error', id: `${id}-error`, 'data-testid': `error-${field.name}` });
    errorFor.set(field.name, error);
    const control = field.options
      ? el('select', { id, name: field.name }, field.options.map((option) => el('option', { value: option, text: option })))
      : el('input', { id, name: field.name, type: field.type ?? 'text', autocomplete: field.autocomplete ?? 'off', required: field.required, placeholder: field.placeholder, 'aria-describedby': `${id}-error` });
    return el('div', { class: 'field' }, el('label', { for: id, text: field.label }), control, error);
  });
  const button = el('button', { type: 'submit', text: submitText });
  const node = el('form', { class: 'card', novalidate: true, 'data-testid': testid }, title ? el('h2', { text: title }) : null, inputs, general, button);

  node.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear();
    const values = Object.fromEntries(new FormData(node).entries());
    button.disabled = true;
    try {
      await onSubmit(values, node);
    } catch (error) {
      showError(error);
    } finally {
      button.disabled = false;
    }
  });

  function clear() {
    general.textContent = '';
    for (const [name, error] of errorFor) {
      error.textContent = '';
      node.elements.namedItem(name)?.removeAttribute('aria-invalid');
    }
  }

  function showError(error) {
    let placed = false;
    for (const [name, messages] of Object.entries(error.fields ?? {})) {
      const target = errorFor.get(name);
      if (target) {
        target.textContent = messages.join(' ');
        node.elements.namedItem(name)?.setAttribute('aria-invalid', 'true');
        placed = true;
      }
    }
    if (!placed) general.textContent = error.message;
  }

  return node;
}

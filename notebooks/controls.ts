/**
 * Form controls for the notebooks, built from plain DOM elements: Observable Inputs would
 * be loaded from a CDN (Notebook Kit's `Inputs` is a jsDelivr import), and the notebooks
 * must work offline. Each control is a `<label>` whose `value` is the current choice and
 * which emits `input` events, so a cell reads it with `view(control)`.
 *
 * @example
 * const cost = view(select(["bandwidth", "latency", "energy"], { label: "cost" }));
 */

export interface SelectOption {
  value: string;
  label?: string;
}

export interface SelectSettings {
  label: string;
  /** Several choices at once (value: string[]); all are selected at first. */
  multiple?: boolean;
  /** The initial choice of a single select. */
  value?: string;
}

export function select(options: readonly (string | SelectOption)[], settings: SelectSettings): HTMLLabelElement {
  const wrapper = document.createElement("label");
  wrapper.style.display = "inline-flex";
  wrapper.style.gap = "6px";
  wrapper.style.alignItems = "flex-start";
  wrapper.style.margin = "4px 16px 4px 0";
  wrapper.style.font = "13px system-ui, sans-serif";
  const input = document.createElement("select");
  input.multiple = settings.multiple ?? false;
  if (input.multiple) input.size = Math.min(6, Math.max(2, options.length));
  for (const o of options) {
    const opt = document.createElement("option");
    const { value, label } = typeof o === "string" ? { value: o, label: o } : { value: o.value, label: o.label ?? o.value };
    opt.value = value;
    opt.textContent = label;
    opt.selected = input.multiple || value === settings.value;
    input.append(opt);
  }
  wrapper.append(`${settings.label} `, input);
  Object.defineProperty(wrapper, "value", {
    get: () => (input.multiple ? Array.from(input.selectedOptions, (o) => o.value) : input.value),
  });
  return wrapper;
}

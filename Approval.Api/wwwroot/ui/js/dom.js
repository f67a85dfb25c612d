// Small DOM helpers: elements are built with text nodes only (no innerHTML), so applicant data can never become markup.
import { t } from './i18n.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export const clear = (el, ...children) => { el.replaceChildren(); append(el, children); return el; };

let ids = 0;
export const uid = (prefix = 'f') => `${prefix}-${++ids}`;

/** A problem details error as an alert: title by status (429 with its wait, 413 size, 400 fields). */
export function problemBox(error) {
  const status = error?.status ?? 0;
  const fields = Object.entries(error?.errors ?? {});
  return h('div', { class: `alert alert-error`, role: 'alert', dataset: { status: String(status) } },
    h('strong', {}, t(`problem.${status}`) !== String(status) ? t(`problem.${status}`) : `HTTP ${status}`, status ? ` (${status})` : ''),
    error?.title && error.title !== t(`problem.${status}`) ? h('div', {}, error.title) : null,
    error?.detail ? h('div', {}, error.detail) : null,
    status === 429 && error.retryAfter ? h('div', {}, t('retryAfter', { s: error.retryAfter })) : null,
    fields.length ? h('ul', {}, fields.map(([k, v]) => h('li', {}, h('code', {}, k), ': ', [].concat(v).join('; ')))) : null);
}

export const info = (text, kind = 'info') => h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);

export const badge = (text, kind) => h('span', { class: `badge badge-${kind}` }, text);

export const fmtDate = (d) => (d ? String(d).slice(0, 10) : '—');
export const fmtTime = (d) => (d ? new Date(d).toLocaleString(document.documentElement.lang, { hour12: false, timeZone: 'Asia/Shanghai' }) : '—');

/** A table with a caption, header cells with scope and rows of cells. */
export function table(caption, headers, rows, attrs = {}) {
  return h('table', attrs,
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows));
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

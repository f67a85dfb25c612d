// Applying once: the generated form, the one-time notice refreshed (debounced) as fields change, and submission with
// an Idempotency-Key per attempt (kept while the same facts are retried, renewed when they change).
import { api } from './api.js';
import { h, clear, problemBox, info, debounce } from './dom.js';
import { t, pick } from './i18n.js';
import { buildForm } from './form.js';
import { renderNotice, renderReceipt } from './notice.js';

export async function loadBundle(code) { return api(`/api/bundles/${encodeURIComponent(code)}`); }

export function bundlePicker(bundles, selected, onPick, id = 'bundle-pick') {
  const select = h('select', { id, dataset: { bundlePicker: '' } }, h('option', { value: '' }, t('chooseBundle')),
    bundles.map((b) => h('option', { value: b.code, selected: b.code === selected }, pick(b.name, b.nameEn))));
  select.addEventListener('change', () => select.value && onPick(select.value));
  return h('div', { class: 'field bundle-pick' }, h('label', { for: id }, t('bundle')), select);
}

/**
 * mountApply(container, bundle, { channel, exclude, extraFacts(), onSubmitted(receipt), actions: [elements], initialFacts })
 * returns { form, submit() }.
 */
export function mountApply(container, bundle, options) {
  const { channel, exclude = [], extraFacts = () => ({}), onSubmitted, actions = [], initialFacts } = options;
  const noticeBox = h('div', { class: 'notice-box', 'aria-live': 'polite', id: 'notice' }, info(t('noticePending')));
  const status = h('div', { 'aria-live': 'assertive', class: 'submit-status' });
  let attempt = null;
  let sequence = 0;

  const facts = () => mergeFacts(form.facts(), extraFacts());
  // data-state on the notice: pending while an edit waits for its assessment, then ready, incomplete or error
  const assessNow = debounce(async (mine) => {
    const settle = (state, ...content) => { if (mine !== sequence) return; clear(noticeBox, ...content); noticeBox.dataset.state = state; };
    try {
      const result = await api(`/api/bundles/${bundle.code}/assessments`, { method: 'POST', body: { facts: facts() } });
      settle('ready', renderNotice(bundle, result));
    } catch (e) {
      if (e.status === 400) {
        const fields = Object.keys(e.errors);
        settle('incomplete', h('div', { class: 'alert alert-info', role: 'status' }, t('noticeWaiting'),
          h('ul', { class: 'missing' }, fields.slice(0, 12).map((k) => h('li', {}, fieldLabel(k), t('colon'), [].concat(e.errors[k]).join('; ')))),
          fields.length > 12 ? h('p', {}, `… +${fields.length - 12}`) : null));
      } else settle('error', problemBox(e));
    }
  }, 400);
  const assess = () => { noticeBox.dataset.state = 'pending'; assessNow(++sequence); };

  function fieldLabel(key) {
    const path = key.replace(/^facts\./, '');
    const input = container.querySelector(`[data-path="${CSS.escape(path)}"]`);
    return input ? container.querySelector(`label[for="${input.id}"]`)?.firstChild?.textContent ?? path : path;
  }

  const form = buildForm(bundle.form, { exclude, onChange: () => { attempt = null; assess(); } });
  const submitButton = h('button', { type: 'submit', class: 'primary', dataset: { submit: '' } }, t('submit'));

  async function submit() {
    if (form.validate() > 0) { clear(status, info(t('fixErrors'), 'error')); return; }
    attempt ??= crypto.randomUUID();
    submitButton.disabled = true;
    clear(status, info(t('submitting')));
    try {
      const receipt = await api('/api/applications', { method: 'POST', headers: { 'Idempotency-Key': attempt }, body: { bundleCode: bundle.code, channel, facts: facts() } });
      attempt = null;
      clear(status);
      onSubmitted?.(receipt);
    } catch (e) {
      if (e.status === 400 || e.status === 422) attempt = null;
      const rest = e.status === 400 ? form.showServerErrors(e.errors) : e.errors;
      clear(status, problemBox({ ...e, errors: rest }));
      if (e.status === 422 && e.problem.reasons) status.append(h('ul', {}, Object.entries(e.problem.reasons).map(([c, r]) => h('li', {}, `${c}: ${t(`outcomes.${r.outcome}`)} — ${r.reasons.join(' ')}`))));
    } finally { submitButton.disabled = false; }
  }

  const formEl = h('form', { class: 'apply', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); submit(); } },
    h('div', { class: 'apply-grid' },
      h('div', { class: 'apply-form' }, form.element),
      h('aside', { class: 'apply-notice', 'aria-labelledby': 'notice-h' }, h('h2', { id: 'notice-h' }, t('notice')), noticeBox)),
    h('div', { class: 'actions' }, submitButton, actions), status);
  clear(container, h('p', { class: 'lead' }, pick(bundle.description, bundle.descriptionEn)), formEl);
  if (initialFacts) form.setFacts(initialFacts);
  assess();
  return { form, submit, reassess: assess };
}

function mergeFacts(a, b) {
  const out = structuredClone(a);
  for (const [k, v] of Object.entries(b)) out[k] = v && typeof v === 'object' && !Array.isArray(v) ? mergeFacts(out[k] ?? {}, v) : v;
  return out;
}

export function receiptView(bundle, receipt, extra = []) {
  return h('div', { class: 'receipt-wrap' },
    info(`${t('submitted')} · ${t('receiptNo')} ${receipt.receiptNumber}`, 'ok'),
    renderReceipt(bundle, receipt),
    h('div', { class: 'actions no-print' }, h('button', { type: 'button', class: 'primary', onclick: () => window.print(), dataset: { print: '' } }, t('print')), extra));
}

// 综合窗口: the clerk picks a bundle, fills the one form with the applicant, reads out the one-time notice, submits,
// prints the receipt with the material checklist, and looks up any application by its receipt number.
import { api } from '../api.js';
import { h, clear, problemBox, uid } from '../dom.js';
import { t } from '../i18n.js';
import { bundlePicker, loadBundle, mountApply, receiptView } from '../apply.js';
import { renderApplication } from '../appview.js';

export async function lookupForm(target, { canAct = true, canRate = false } = {}) {
  const id = uid('receipt');
  const input = h('input', { id, name: 'receipt', placeholder: 'YJS-20261123-000001', autocomplete: 'off', dataset: { lookup: '' } });
  const show = async (number) => {
    try {
      const app = await api(`/api/applications/by-receipt/${encodeURIComponent(number)}`);
      const bundle = await loadBundle(app.bundleCode);
      clear(target, renderApplication(app, bundle, { canAct, canRate, reload: () => show(number) }));
    } catch (e) { clear(target, problemBox(e)); }
  };
  return h('form', { class: 'lookup', role: 'search', onsubmit: (ev) => { ev.preventDefault(); if (input.value.trim()) show(input.value.trim()); } },
    h('label', { for: id }, t('lookupLabel')), input, h('button', { type: 'submit' }, t('find')));
}

export async function desk(main) {
  const bundles = await api('/api/bundles');
  const area = h('div', { class: 'apply-area' });
  const found = h('div', { class: 'lookup-result', 'aria-live': 'polite' });
  const start = async (code) => {
    const bundle = await loadBundle(code);
    mountApply(area, bundle, {
      channel: 'window',
      onSubmitted: (receipt) => {
        clear(area, receiptView(bundle, receipt, [h('button', { type: 'button', class: 'secondary', onclick: () => start(code) }, t('newApplication'))]));
        area.querySelector('h2')?.focus();
      },
    });
  };
  clear(main,
    h('h1', {}, t('navDesk')),
    h('section', { class: 'panel no-print', 'aria-labelledby': 'lookup-h' }, h('h2', { id: 'lookup-h' }, t('lookup')), await lookupForm(found), found),
    h('section', { 'aria-label': t('chooseBundle') }, h('div', { class: 'no-print' }, bundlePicker(bundles, '', start)), area));
}

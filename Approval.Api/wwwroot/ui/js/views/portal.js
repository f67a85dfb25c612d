// 群众办事 (online / mobile): the same one form for oneself, a draft kept in this browser, materials upload, each item's
// status, due dates, pauses and timeline, the supplement answer (补正), withdrawal, the combined result and the rating.
import { api, session } from '../api.js';
import { h, clear, problemBox, info } from '../dom.js';
import { t } from '../i18n.js';
import { bundlePicker, loadBundle, mountApply, receiptView } from '../apply.js';
import { renderApplication, uploadControl } from '../appview.js';
import { lookupForm } from './desk.js';

const mineKey = () => `approval.mine.${session.claims?.sub}`;
const draftKey = (code) => `approval.draft.${session.claims?.sub}.${code}`;
export const myReceipts = () => JSON.parse(localStorage.getItem(mineKey()) ?? '[]');
const remember = (r) => localStorage.setItem(mineKey(), JSON.stringify([{ id: r.id, receiptNumber: r.receiptNumber, bundleCode: r.bundleCode }, ...myReceipts().filter((x) => x.id !== r.id)].slice(0, 20)));

export async function portal(main) {
  const bundles = await api('/api/bundles');
  const area = h('div', { class: 'apply-area' });
  const detail = h('div', { class: 'my-application', 'aria-live': 'polite' });
  const mine = h('ul', { class: 'plain my-list' });

  const showApplication = async (id) => {
    try {
      const app = await api(`/api/applications/${id}`);
      const bundle = await loadBundle(app.bundleCode);
      clear(detail, renderApplication(app, bundle, { canAct: true, canRate: true, reload: () => showApplication(id) }));
    } catch (e) { clear(detail, problemBox(e)); }
  };
  const listMine = () => clear(mine, myReceipts().map((r) => h('li', {}, h('button', { type: 'button', class: 'link', dataset: { mine: r.receiptNumber }, onclick: () => showApplication(r.id) }, r.receiptNumber, ' · ', bundles.find((b) => b.code === r.bundleCode)?.name ?? r.bundleCode))));

  const start = async (code) => {
    const bundle = await loadBundle(code);
    const note = h('div', { 'aria-live': 'polite' });
    const saved = localStorage.getItem(draftKey(code));
    let apply;
    const saveButton = h('button', { type: 'button', class: 'secondary', dataset: { saveDraft: '' }, onclick: () => { localStorage.setItem(draftKey(code), JSON.stringify(apply.form.facts())); clear(note, info(t('draftSaved'), 'ok')); } }, t('saveDraft'));
    const clearButton = h('button', { type: 'button', class: 'secondary', onclick: () => { localStorage.removeItem(draftKey(code)); start(code); } }, t('clearDraft'));
    apply = mountApply(area, bundle, {
      channel: matchMedia('(max-width: 640px)').matches ? 'mobile' : 'online',
      exclude: ['evidence'],
      actions: [saveButton, clearButton, note],
      initialFacts: saved ? JSON.parse(saved) : undefined,
      onSubmitted: (receipt) => {
        localStorage.removeItem(draftKey(code));
        remember(receipt);
        listMine();
        const uploads = h('section', { class: 'panel', 'aria-labelledby': 'up-h' }, h('h2', { id: 'up-h' }, t('materialsToUpload')),
          receipt.materialsToUpload.map((m) => uploadControl({ id: receipt.id, materials: [] }, m.code, bundle)));
        clear(area, receiptView(bundle, receipt, [h('button', { type: 'button', class: 'secondary', onclick: () => showApplication(receipt.id) }, t('status'))]), uploads);
      },
    });
    if (saved) area.prepend(info(t('draftRestored')));
  };

  const found = h('div');
  clear(main,
    h('h1', {}, t('portalTitle')),
    h('div', { class: 'portal-grid' },
      h('section', { class: 'panel', 'aria-labelledby': 'mine-h' }, h('h2', { id: 'mine-h' }, t('myApplications')), mine, await lookupForm(found, { canAct: true, canRate: true }), found),
      h('section', { 'aria-label': t('chooseBundle') }, bundlePicker(bundles, '', start), area)),
    detail);
  listMine();
}

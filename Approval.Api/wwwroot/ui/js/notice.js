// The one-time notice (一次告知) and the printable receipt.
import { h, badge, table, fmtTime } from './dom.js';
import { t, pick } from './i18n.js';

const outcomeKind = { eligible: 'ok', conditional: 'warn', ineligible: 'bad', notApplicable: 'muted', needsInformation: 'warn' };

export const itemName = (bundle, code) => { const i = bundle.items.find((x) => x.code === code); return i ? pick(i.name, i.nameEn) : code; };
export const materialName = (bundle, code) => { const m = bundle.materials.find((x) => x.code === code); return m ? pick(m.name, m.nameEn) : code; };
export const departmentName = (bundle, code) => { const d = bundle?.departments.find((x) => x.code === code); return d ? pick(d.name, d.nameEn) : code; };

/** The form's label of a fact path (x-label of the JSON Schema property), else the path. */
export function factLabel(bundle, path) {
  let prop = bundle.form;
  for (const key of path.replace(/\[\d+\]/g, '').split('.')) prop = (prop?.type === 'array' ? prop.items : prop)?.properties?.[key];
  return prop?.['x-label'] ? pick(prop['x-label'].zh, prop['x-label'].en) : path;
}

export function waiverText(waivedBy) {
  if (!waivedBy) return '';
  const [kind, x] = waivedBy.split(':');
  return t(`waiver.${kind}`, { x }) === kind ? waivedBy : t(`waiver.${kind}`, { x });
}

/** The assessment as one list of items with outcomes and reasons, and one list of materials with waivers and their source. */
export function renderNotice(bundle, assessment) {
  const items = table(t('noticeItems'), [t('items'), t('outcome'), t('reasons')], assessment.items.map((i) => h('tr', { dataset: { item: i.code } },
    h('td', {}, h('strong', {}, i.code), ' ', itemName(bundle, i.code)),
    h('td', {}, badge(t(`outcomes.${i.outcome}`), outcomeKind[i.outcome] ?? 'muted'),
      i.dependsOn?.length ? h('div', { class: 'small' }, '← ', i.dependsOn.join(', ')) : null,
      i.benefit ? h('div', { class: 'small' }, [i.benefit.monthlyAmount && `¥${i.benefit.monthlyAmount}/月`, i.benefit.yearlyAmount && `¥${i.benefit.yearlyAmount}/年`, i.benefit.level].filter(Boolean).join(' · ')) : null),
    h('td', {}, h('ul', { class: 'plain' }, (i.reasons ?? []).map((r) => h('li', {}, r.message)))))), { class: 'notice-items' });
  const materials = table(t('noticeMaterials'), [t('materials'), t('requiredFor'), t('materialStatus')], assessment.materials.map((m) => h('tr', { dataset: { material: m.code, status: m.status } },
    h('td', {}, materialName(bundle, m.code)),
    h('td', {}, m.requiredFor.join(', ')),
    h('td', {}, badge(t(`matStatus.${m.status}`), m.status === 'waived' ? 'ok' : 'warn'), m.waivedBy ? h('div', { class: 'small' }, t('waivedBy'), t('colon'), waiverText(m.waivedBy)) : null))), { class: 'notice-materials' });
  return h('div', { class: 'notice' }, items, materials,
    assessment.missingFacts?.length ? h('p', { class: 'small' }, t('noticeWaiting'), ' ', assessment.missingFacts.map((f) => factLabel(bundle, f)).join('、')) : null);
}

/** The receipt (受理回执) of a submission: printable on one A4 page with the material checklist. */
export function renderReceipt(bundle, receipt) {
  const toUpload = new Set(receipt.materialsToUpload.map((m) => m.code));
  return h('section', { class: 'receipt', 'aria-labelledby': 'receipt-title' },
    h('h2', { id: 'receipt-title' }, pick(bundle.name, bundle.nameEn), ' · ', t('receiptTitle')),
    h('dl', { class: 'facts-list' },
      h('dt', {}, t('receiptNo')), h('dd', { class: 'receipt-number', dataset: { receipt: receipt.receiptNumber } }, receipt.receiptNumber),
      h('dt', {}, t('receiptDate')), h('dd', {}, fmtTime(receipt.submittedAt)),
      h('dt', {}, t('startedItems')), h('dd', {}, receipt.startedItems.map((c) => `${c} ${itemName(bundle, c)}`).join('；'))),
    table(t('noticeMaterials'), ['☐', t('materials'), t('requiredFor'), t('materialStatus')], receipt.assessment.materials.map((m) => h('tr', {},
      h('td', { class: 'check' }, toUpload.has(m.code) ? '☐' : '—'),
      h('td', {}, materialName(bundle, m.code)),
      h('td', {}, m.requiredFor.join(', ')),
      h('td', {}, t(`matStatus.${m.status}`), m.waivedBy ? `（${waiverText(m.waivedBy)}）` : '')))),
    h('div', { class: 'signatures' }, h('span', {}, t('applicantSign'), t('colon'), '________'), h('span', {}, t('clerkSign'), t('colon'), '________')));
}

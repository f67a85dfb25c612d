// 部门审批: a department's tasks (GET /api/tasks) with due-date colours, filters, the department's view of the facts
// (ID numbers masked), the materials, and the decision (approve / reject with reason / one supplement round / outputs).
import { api, session } from '../api.js';
import { h, clear, problemBox, info, badge, table, fmtDate, fmtTime, uid } from '../dom.js';
import { t, enumLabel, groupLabel, pick } from '../i18n.js';
import { loadBundle } from '../apply.js';
import { materialName, itemName, departmentName } from '../notice.js';

const bundles = new Map();
const bundleOf = async (code) => { if (!bundles.has(code)) bundles.set(code, await loadBundle(code)); return bundles.get(code); };

function dayDiff(a, b) { return Math.round((Date.parse(a) - Date.parse(b)) / 86400000); }

/** overdue: past the due date; reminded: due within a day (the 80 % reminder has gone out for a short task); else on time. */
export function dueClass(task, today) {
  if (!task.dueDate || !['open', 'waiting'].includes(task.status)) return 'none';
  const left = dayDiff(task.dueDate, today);
  return left < 0 ? 'overdue' : left <= 1 ? 'reminded' : 'ontime';
}

export async function inbox(main, { today }) {
  const claims = session.claims;
  const state = { status: 'open', kind: '', sort: 'dueDate', page: 1, text: '', department: claims.department ?? '' };
  const list = h('div', { class: 'task-list', 'aria-live': 'polite' });
  const detail = h('div', { class: 'task-detail', tabindex: '-1' });

  const select = (id, labelText, options, key) => {
    const s = h('select', { id, dataset: { filter: key } }, options.map(([v, l]) => h('option', { value: v, selected: state[key] === v }, l)));
    s.addEventListener('change', () => { state[key] = s.value; state.page = 1; load(); });
    return h('div', { class: 'field' }, h('label', { for: id }, labelText), s);
  };
  const text = h('input', { id: 'task-text', type: 'search', autocomplete: 'off' });
  text.addEventListener('input', () => { state.text = text.value.trim(); render(); });
  const filters = h('form', { class: 'filters', 'aria-label': t('filters'), onsubmit: (e) => e.preventDefault() },
    select('f-status', t('status'), [['open', t('taskStatus.open')], ['waiting', t('taskStatus.waiting')], ['done', t('taskStatus.done')], ['cancelled', t('taskStatus.cancelled')], ['', t('all')]], 'status'),
    select('f-kind', t('kind'), [['', t('all')], ...['acceptance', 'review', 'assessment', 'verification', 'inspection', 'decision', 'flagReview', 'complaint'].map((k) => [k, t(`kinds.${k}`)])], 'kind'),
    select('f-sort', t('sort'), ['dueDate', '-dueDate', 'createdAt', '-createdAt'].map((k) => [k, t(`sorts.${k}`)]), 'sort'),
    h('div', { class: 'field' }, h('label', { for: 'task-text' }, t('receiptNo'), ' / ', t('items')), text),
    h('button', { type: 'button', class: 'secondary', onclick: () => load() }, t('refresh')));

  let page = null;
  async function load() {
    const q = new URLSearchParams({ sort: state.sort, page: state.page, pageSize: 20 });
    if (state.status) q.set('status', state.status);
    if (state.kind) q.set('kind', state.kind);
    if (state.department) q.set('department', state.department);
    try { page = await api(`/api/tasks?${q}`); render(); } catch (e) { clear(list, problemBox(e)); }
  }

  function render() {
    const items = page.items.filter((x) => !state.text || x.receiptNumber.includes(state.text) || (x.itemCode ?? '').includes(state.text.toUpperCase()));
    if (!items.length) { clear(list, info(t('noTasks'))); return; }
    const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
    clear(list, table(t('page', { p: page.page, t: page.total + (page.totalIsCapped ? '+' : '') }), [t('receiptNo'), t('items'), t('kind'), t('status'), t('dueDate'), ''],
      items.map((x) => {
        const due = dueClass(x, today);
        return h('tr', { class: `due-${due}`, dataset: { task: x.id, kind: x.kind, item: x.itemCode ?? '', receipt: x.receiptNumber } },
          h('td', { class: 'mono' }, x.receiptNumber), h('td', {}, x.itemCode ?? '—'), h('td', {}, t(`kinds.${x.kind}`)),
          h('td', {}, t(`taskStatus.${x.status}`), x.waitingFor.length ? h('div', { class: 'small' }, badge(`${t('waitingFor')} ${x.waitingFor.join(', ')}`, 'muted')) : null),
          h('td', {}, fmtDate(x.dueDate), ' ', due === 'overdue' ? badge(t('overdue'), 'bad') : due === 'reminded' ? badge(t('reminded'), 'warn') : null),
          h('td', {}, h('button', { type: 'button', class: 'small', onclick: () => open(x.id), dataset: { open: x.id } }, t('open'))));
      })),
    h('div', { class: 'pager' },
      h('button', { type: 'button', class: 'secondary small', disabled: state.page <= 1, onclick: () => { state.page--; load(); } }, '‹'),
      ` ${state.page} / ${pages} `,
      h('button', { type: 'button', class: 'secondary small', disabled: state.page >= pages, onclick: () => { state.page++; load(); } }, '›')));
  }

  async function open(taskId) {
    try {
      const d = await api(`/api/tasks/${taskId}`);
      const bundle = await bundleOf(d.task.bundleCode);
      const materials = await api(`/api/applications/${d.task.applicationId}/materials`).catch(() => []);
      clear(detail, taskView(d, bundle, materials, async () => { await open(taskId); await load(); }));
      detail.focus();
    } catch (e) { clear(detail, problemBox(e)); }
  }

  let department = claims.department;
  if (department) {
    for (const b of await api('/api/bundles').catch(() => [])) {
      const bundle = await bundleOf(b.code).catch(() => null);
      if (bundle?.departments.some((x) => x.code === claims.department)) { department = departmentName(bundle, claims.department); break; }
    }
  }
  clear(main, h('h1', {}, t('navInbox'), department ? ` · ${department}` : ''), filters, h('div', { class: 'inbox-grid' }, list, detail));
  await load();
}

function factsList(obj, schema, prefix = '') {
  return h('dl', { class: 'facts-list' }, Object.entries(obj ?? {}).map(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    const prop = schema?.properties?.[k];
    const value = Array.isArray(v) ? h('ol', {}, v.map((x) => h('li', {}, typeof x === 'object' ? factsList(x, prop?.items, path) : String(x))))
      : v && typeof v === 'object' ? factsList(v, prop, path)
        : typeof v === 'boolean' ? t(v ? 'yes' : 'no') : enumLabel(path, String(v));
    const label = prop?.['x-label'] ? pick(prop['x-label'].zh, prop['x-label'].en) : groupLabel(k);
    return [h('dt', {}, label), h('dd', { dataset: { fact: path } }, value)];
  }));
}

async function viewMaterial(applicationId, m, target) {
  try {
    const response = await api(`/api/applications/${applicationId}/materials/${m.id}/content`, { raw: true });
    const url = URL.createObjectURL(await response.blob());
    clear(target, m.contentType.startsWith('image/')
      ? h('img', { src: url, alt: m.fileName, class: 'material-preview' })
      : h('object', { data: url, type: m.contentType, class: 'material-preview', 'aria-label': m.fileName }, h('a', { href: url, download: m.fileName }, m.fileName)));
  } catch (e) { clear(target, problemBox(e)); }
}

const outputField = (name, id) => {
  switch (name) {
    case 'category': return h('select', { id, dataset: { output: name } }, h('option', { value: '' }, t('choose')), ['visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple'].map((c) => h('option', { value: c }, enumLabel('disability.category', c))));
    case 'grade': return h('select', { id, dataset: { output: name } }, h('option', { value: '' }, t('choose')), [1, 2, 3, 4].map((g) => h('option', { value: g }, `${g}`)));
    case 'notDisabled': return h('input', { type: 'checkbox', id, dataset: { output: name } });
    case 'passed': return h('select', { id, dataset: { output: name } }, h('option', { value: '' }, t('choose')), h('option', { value: 'true' }, t('passedYes')), h('option', { value: 'false' }, t('passedNo')));
    case 'level': return h('select', { id, dataset: { output: name } }, h('option', { value: '' }, t('choose')), ['full', 'partial'].map((l) => h('option', { value: l }, enumLabel('level', l))));
    default: return h('textarea', { id, rows: 2, dataset: { output: name } });
  }
};

function readOutputs(form) {
  const outputs = {};
  for (const el of form.querySelectorAll('[data-output]')) {
    const name = el.dataset.output;
    if (el.type === 'checkbox') { if (el.checked) outputs[name] = true; continue; }
    const v = el.value.trim();
    if (!v) continue;
    outputs[name] = name === 'grade' ? Number(v) : name === 'passed' ? v === 'true' : v;
  }
  return outputs;
}

function taskView(d, bundle, materials, reload) {
  const task = d.task;
  const preview = h('div', { class: 'preview' });
  const parts = [h('h2', {}, task.itemCode ? `${task.itemCode} ${itemName(bundle, task.itemCode)}` : t('kinds.acceptance'), ' · ', t(`kinds.${task.kind}`)),
    h('p', {}, h('span', { class: 'mono' }, task.receiptNumber), ' · ', departmentName(bundle, task.department), ' · ', t('dueDate'), ' ', fmtDate(task.dueDate), ' · ', t(`taskStatus.${task.status}`))];
  if (task.waitingFor.length) parts.push(info(`${t('waitingFor')}${t('colon')}${task.waitingFor.map((c) => `${c} ${itemName(bundle, c)}`).join('、')}`));
  if (d.item) parts.push(h('p', { class: 'small' }, t('status'), t('colon'), t(`itemStatus.${d.item.status}`), d.item.paused ? ` · ${t('paused')}` : '', d.item.reviewFlag ? ` · ${d.item.reviewFlag}` : '', ` · ${t('usedDays')} ${d.item.usedDays}`));
  if (d.comment) parts.push(info(d.comment));
  parts.push(h('section', { 'aria-labelledby': `facts-${task.id}` }, h('h3', { id: `facts-${task.id}` }, t('facts')), factsList(task.application, bundle.form)));
  parts.push(h('section', {}, h('h3', {}, t('materials')), materials.length
    ? h('ul', { class: 'plain' }, materials.map((m) => h('li', {}, materialName(bundle, m.materialCode), ' — ', m.fileName, ' ',
      h('button', { type: 'button', class: 'small secondary', onclick: () => viewMaterial(task.applicationId, m, preview) }, t('viewMaterial')))))
    : h('p', {}, t('none')), preview));

  if (task.status === 'done') {
    parts.push(info(`${t('decided')}${t('colon')}${t(`actions.${d.action}`)} ${d.reason ?? ''} ${d.recordedOutputs ? JSON.stringify(d.recordedOutputs) : ''} · ${d.decidedBy ?? ''} ${fmtTime(d.decidedAt)}`, 'ok'));
  } else if (task.actions.length) {
    const out = h('div', { 'aria-live': 'polite' });
    const actionName = uid('action');
    const reasonId = uid('reason');
    const suppBox = h('fieldset', { class: 'supp-materials', hidden: true }, h('legend', {}, t('supplementMaterials')),
      bundle.materials.filter((m) => !task.itemCode || m.neededBy.includes(task.itemCode)).map((m) => {
        const id = uid('m');
        return h('div', { class: 'check' }, h('input', { type: 'checkbox', id, value: m.code, dataset: { suppMaterial: m.code } }), h('label', { for: id }, materialName(bundle, m.code)));
      }));
    const outputsBox = d.outputs.length ? h('fieldset', { class: 'outputs' }, h('legend', {}, t('outputs')), d.outputs.map((o) => {
      const id = uid('o');
      return h('div', { class: 'field' }, h('label', { for: id }, t(o)), outputField(o, id));
    })) : task.kind === 'decision' && task.itemCode === 'A5' ? h('fieldset', { class: 'outputs' }, h('legend', {}, t('outputs')), h('div', { class: 'field' }, h('label', { for: 'o-level' }, t('level')), outputField('level', 'o-level'))) : null;
    const form = h('form', {
      class: 'decision',
      onsubmit: async (ev) => {
        ev.preventDefault();
        const action = new FormData(form).get(actionName);
        const body = { action };
        const reason = form.querySelector(`#${reasonId}`).value.trim();
        if (reason) body.reason = reason;
        if (action === 'requestSupplement') body.materials = [...form.querySelectorAll('[data-supp-material]:checked')].map((c) => c.value);
        const outputs = readOutputs(form);
        if (Object.keys(outputs).length) body.outputs = outputs;
        try {
          await api(`/api/tasks/${task.id}/decisions`, { method: 'POST', body });
          reload();
        } catch (e) { clear(out, problemBox(e)); }
      },
    },
    h('fieldset', {}, h('legend', {}, t('decide')), h('div', { class: 'choices' }, task.actions.map((a, i) => {
      const id = uid('a');
      const radio = h('input', { type: 'radio', name: actionName, id, value: a, required: true, checked: i === 0, dataset: { action: a } });
      radio.addEventListener('change', () => { suppBox.hidden = a !== 'requestSupplement'; });
      return h('label', { for: id, class: 'choice' }, radio, ' ', t(`actions.${a}`));
    }))),
    suppBox, outputsBox,
    h('label', { for: reasonId }, t('reason')), h('textarea', { id: reasonId, rows: 2, maxlength: 2000 }),
    h('button', { type: 'submit', class: 'primary', dataset: { decide: '' } }, t('decide')), out);
    parts.push(form);
  }
  return h('article', { class: 'panel', dataset: { taskDetail: task.id, status: task.status } }, parts);
}

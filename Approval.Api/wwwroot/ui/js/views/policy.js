// 改革成效 and 政策模拟 (admin): each bundle's reform figures (separate applications vs the one thing, from the catalogue
// and from real applications), and a dated parameter change simulated against the stored applications, then published
// as the version in force for new applications.
import { api } from '../api.js';
import { h, clear, problemBox, info, table } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';

const texts = {
  zh: {
    measure: '指标', before: '分别办理', after: '一件事', change: '变化', forms: '表单（份）', materialSubmissions: '材料（份次）', visits: '跑动（次）', workingDays: '时限（工作日）',
    catalogue: '按事项目录与规则计算', observed: '实际办件（{from} 至 {to}）', applications: '申请数', medianMaterials: '提交材料中位数', supplements: '补正次数', averageRating: '平均评价',
    item: '事项', statutoryDays: '法定时限', ended: '已办结', medianUsed: '用时中位数', overStatutory: '超法定时限', criticalPath: '关键路径',
    bundle: '一件事', parameter: '参数', kind: '类型', today: '今日取值', history: '历次取值', from: '生效日期', value: '新取值',
    simulate: '模拟影响', publish: '发布为现行版本', confirmPublish: '我已查看模拟结果，确认发布（只影响新申请）',
    simulated: '按 {asOf} 测算：{n} 件申请中 {changed} 件结果或金额变化', truncated: '（仅测算了前 {n} 件）',
    costInForce: '现行版本年度支出', costDraft: '草案年度支出', costDelta: '差额', eligibleInForce: '现行可办', eligibleDraft: '草案可办',
    outcomeChanges: '结果变化', amountChanges: '金额变化', receipt: '受理编号', changes: '变化', published: '版本 {v} 已生效（原版本 {p}），新申请即按新版本办理',
    number: '数值', flag: '开关', versionInForce: '现行版本',
    withRegistry: '同时测算共享数据中尚未申请的人员', registry: '共享数据中尚未申请的人员：{n} 人中 {changed} 人结果或金额变化', person: '人员', maskedId: '身份证号',
  },
  en: {
    measure: 'Measure', before: 'Separately', after: 'One thing', change: 'Change', forms: 'Forms', materialSubmissions: 'Material submissions', visits: 'Visits', workingDays: 'Working days',
    catalogue: 'From the catalogue and the rules', observed: 'Real applications ({from} to {to})', applications: 'Applications', medianMaterials: 'Median materials asked', supplements: 'Supplements', averageRating: 'Average rating',
    item: 'Item', statutoryDays: 'Statutory', ended: 'Ended', medianUsed: 'Median days used', overStatutory: 'Over statutory', criticalPath: 'Critical path',
    bundle: 'Bundle', parameter: 'Parameter', kind: 'Kind', today: 'Today', history: 'Dated values', from: 'From', value: 'New value',
    simulate: 'Simulate', publish: 'Publish as the version in force', confirmPublish: 'I have read the simulation; publish (new applications only)',
    simulated: 'On {asOf}: {changed} of {n} applications change outcome or amount', truncated: ' (only the first {n} were assessed)',
    costInForce: 'Yearly cost in force', costDraft: 'Yearly cost of the draft', costDelta: 'Difference', eligibleInForce: 'Eligible now', eligibleDraft: 'Eligible in draft',
    outcomeChanges: 'Outcome changes', amountChanges: 'Amount changes', receipt: 'Receipt', changes: 'Changes', published: 'Version {v} is in force (was {p}); new applications use it',
    number: 'number', flag: 'switch', versionInForce: 'Version in force',
    withRegistry: 'Also the registry\'s persons who have not applied', registry: 'Registry persons who have not applied: {changed} of {n} change outcome or amount', person: 'Person', maskedId: 'ID number',
  },
};

const tx = (key, args) => {
  const value = texts[getLang()][key] ?? texts.zh[key] ?? key;
  return args ? value.replace(/\{(\w+)\}/g, (_, n) => (args[n] ?? '')) : value;
};

const percent = (v) => (v == null ? '—' : `${v > 0 ? '+' : ''}${Math.round(v)}%`);
const money = (v) => Number(v).toLocaleString(getLang() === 'en' ? 'en' : 'zh-CN', { maximumFractionDigits: 2 });
const num = (v) => h('td', { class: 'num' }, v ?? '—');

function reformReport(bundle, r) {
  const c = r.catalogue;
  const o = r.observed;
  const measures = ['forms', 'materialSubmissions', 'visits', 'workingDays'];
  return h('section', { class: 'panel', dataset: { bundle: bundle.code } },
    h('h3', {}, pick(bundle.name, bundle.nameEn), ' ', h('span', { class: 'small mono' }, r.bundleVersion)),
    table(tx('catalogue'), [tx('measure'), tx('before'), tx('after'), tx('change')], measures.map((m) => h('tr', { dataset: { measure: m } },
      h('td', {}, tx(m)), num(c.before[m]), num(c.after[m]), h('td', { class: `num ${c.change[m] < 0 ? 'cut' : ''}` }, percent(c.change[m]))))),
    h('p', { class: 'small', dataset: { longest: c.criticalPath.longest } }, `${tx('criticalPath')}: ${c.criticalPath.longest}, ${c.criticalPath.workingDays} ${tx('workingDays')} · `,
      c.criticalPath.items.map((i) => `${i.item} ${i.workingDays}${i.waitedFor.length ? ` (← ${i.waitedFor.join(', ')})` : ''}`).join(' · ')),
    table(tx('observed', { from: o.from, to: o.to }), [tx('item'), tx('statutoryDays'), tx('ended'), tx('medianUsed'), tx('overStatutory'), tx('supplements')],
      o.items.map((i) => h('tr', { class: i.overStatutory ? 'due-overdue' : '' }, h('td', {}, i.item), num(i.statutoryDays), num(i.ended), num(i.medianUsedDays), num(i.overStatutory), num(i.supplements)))),
    h('p', { class: 'small' }, `${tx('applications')} ${o.applications} · ${tx('medianMaterials')} ${o.medianMaterialsAsked ?? '—'} · ${tx('supplements')} ${o.supplements} · ${tx('averageRating')} ${o.averageRating ?? '—'}`));
}

export async function reform(target) {
  const bundles = await api('/api/bundles');
  const reports = await Promise.all(bundles.map((b) => api(`/api/bundles/${b.code}/reform`).then((r) => reformReport(b, r), (e) => problemBox(e))));
  clear(target, reports);
}

function impactTable(items) {
  return table(null, [tx('item'), tx('eligibleInForce'), tx('eligibleDraft'), tx('outcomeChanges'), tx('amountChanges'), tx('costInForce'), tx('costDraft'), tx('costDelta')],
    items.map((i) => h('tr', { class: i.outcomeChanges || i.amountChanges ? 'changed' : '' }, h('td', {}, i.item), num(i.eligibleInForce), num(i.eligibleDraft),
      num(i.outcomeChanges), num(i.amountChanges), num(money(i.yearlyCostInForce)), num(money(i.yearlyCostDraft)), num(money(i.yearlyCostDelta)))));
}

const changeText = (items) => items.map((i) => `${i.item}: ${t(`outcomes.${i.outcomeInForce}`)} → ${t(`outcomes.${i.outcomeDraft}`)}, ${money(i.yearlyInForce)} → ${money(i.yearlyDraft)}`).join('; ');

function registryReport(r) {
  return h('section', { class: 'registry-impact', dataset: { changed: r.personsChanged } },
    h('h3', {}, tx('registry', { n: r.persons, changed: r.personsChanged }) + (r.truncated ? tx('truncated', { n: r.persons }) : '')),
    h('p', { class: 'small' }, `${tx('costInForce')} ${money(r.yearlyCostInForce)} · ${tx('costDraft')} ${money(r.yearlyCostDraft)} · ${tx('costDelta')} ${r.yearlyCostDelta > 0 ? '+' : ''}${money(r.yearlyCostDelta)}`),
    impactTable(r.items),
    r.changedPersons.length ? table(null, [tx('person'), tx('maskedId'), tx('changes')], r.changedPersons.map((p) => h('tr', { dataset: { reference: p.reference } },
      h('td', {}, p.maskedName, ' ', h('span', { class: 'small mono' }, p.reference)), h('td', { class: 'mono' }, p.maskedId ?? '—'), h('td', {}, changeText(p.items))))) : null);
}

function simulationReport(s) {
  return h('div', { class: 'simulation', dataset: { changed: s.applicationsChanged } },
    info(tx('simulated', { asOf: s.asOf, n: s.applications, changed: s.applicationsChanged }) + (s.truncated ? tx('truncated', { n: s.applications }) : ''), 'info'),
    h('div', { class: 'cards' },
      h('div', { class: 'card' }, h('div', { class: 'big' }, money(s.yearlyCostInForce)), tx('costInForce')),
      h('div', { class: 'card' }, h('div', { class: 'big' }, money(s.yearlyCostDraft)), tx('costDraft')),
      h('div', { class: 'card' }, h('div', { class: 'big', dataset: { delta: s.yearlyCostDelta } }, `${s.yearlyCostDelta > 0 ? '+' : ''}${money(s.yearlyCostDelta)}`), tx('costDelta'))),
    impactTable(s.items),
    s.changedApplications.length ? table(null, [tx('receipt'), tx('changes')], s.changedApplications.map((a) => h('tr', { dataset: { receipt: a.receiptNumber } },
      h('td', { class: 'mono' }, a.receiptNumber), h('td', {}, changeText(a.items))))) : null,
    s.registry ? registryReport(s.registry) : null);
}

export async function policy(target) {
  const bundles = await api('/api/bundles');
  const bundle = h('select', { id: 'pol-bundle' }, bundles.map((b) => h('option', { value: b.code }, pick(b.name, b.nameEn))));
  const parameter = h('select', { id: 'pol-parameter' });
  const from = h('input', { id: 'pol-from', type: 'date', required: true });
  const valueBox = h('span');
  const confirm = h('input', { type: 'checkbox', id: 'pol-confirm' });
  const withRegistry = h('input', { type: 'checkbox', id: 'pol-registry' });
  const list = h('div');
  const out = h('div', { 'aria-live': 'polite' });
  let params = null;
  let simulated = null;

  const valueInput = () => {
    const p = params?.parameters.find((x) => x.name === parameter.value);
    clear(valueBox, p?.kind === 'flag'
      ? h('select', { id: 'pol-value' }, h('option', { value: 'true' }, 'true'), h('option', { value: 'false' }, 'false'))
      : h('input', { id: 'pol-value', type: 'number', step: 'any', min: 0, required: true, value: p?.today ?? '' }));
  };
  const change = () => {
    const p = params.parameters.find((x) => x.name === parameter.value);
    const raw = valueBox.querySelector('#pol-value').value;
    return { parameter: parameter.value, from: from.value, value: p?.kind === 'flag' ? raw === 'true' : Number(raw) };
  };
  const load = async () => {
    params = await api(`/api/admin/bundles/${bundle.value}/parameters`);
    from.value = from.value || params.today;
    const chosen = parameter.value;
    clear(parameter, params.parameters.map((p) => h('option', { value: p.name, selected: p.name === chosen }, p.name)));
    clear(list, table(`${tx('versionInForce')} ${params.version}`, [tx('parameter'), tx('kind'), tx('today'), tx('history')], params.parameters.map((p) => h('tr', { dataset: { parameter: p.name } },
      h('td', { class: 'mono' }, p.name), h('td', {}, tx(p.kind)), h('td', { class: 'num' }, String(p.today ?? '—')),
      h('td', { class: 'small' }, p.values.map((v) => `${v.from}: ${v.value}`).join(' · '))))));
    valueInput();
  };
  const simulate = async () => {
    try {
      const body = { changes: [change()] };
      const s = await api(`/api/admin/bundles/${bundle.value}/simulations`, { method: 'POST', body: withRegistry.checked ? { ...body, registry: true } : body });
      simulated = { key: JSON.stringify(body), basedOn: s.versionInForce };
      confirm.checked = false;
      clear(out, simulationReport(s));
    } catch (e) { clear(out, problemBox(e)); }
  };
  const publish = async () => {
    const body = { changes: [change()] };
    if (!simulated || simulated.key !== JSON.stringify(body) || !confirm.checked) { clear(out, info(tx('confirmPublish'), 'error')); return; }
    try {
      const p = await api(`/api/admin/bundles/${bundle.value}/versions`, { method: 'POST', body: { ...body, basedOn: simulated.basedOn } });
      simulated = null;
      clear(out, info(tx('published', { v: p.version, p: p.previousVersion }), 'ok'));
      await load();
    } catch (e) { clear(out, problemBox(e)); }
  };

  bundle.addEventListener('change', () => { simulated = null; clear(out); load().catch((e) => clear(out, problemBox(e))); });
  parameter.addEventListener('change', () => { simulated = null; valueInput(); });
  clear(target,
    h('div', { class: 'field' }, h('label', { for: 'pol-bundle' }, tx('bundle')), bundle),
    list,
    h('form', { class: 'panel', onsubmit: (ev) => { ev.preventDefault(); simulate(); } },
      h('div', { class: 'grid3' },
        h('div', { class: 'field' }, h('label', { for: 'pol-parameter' }, tx('parameter')), parameter),
        h('div', { class: 'field' }, h('label', { for: 'pol-from' }, tx('from')), from),
        h('div', { class: 'field' }, h('label', { for: 'pol-value' }, tx('value')), valueBox)),
      h('div', { class: 'check' }, withRegistry, h('label', { for: 'pol-registry' }, tx('withRegistry'))),
      h('button', { type: 'submit', class: 'primary', id: 'pol-simulate' }, tx('simulate')),
      h('div', { class: 'check' }, confirm, h('label', { for: 'pol-confirm' }, tx('confirmPublish'))),
      h('button', { type: 'button', id: 'pol-publish', onclick: publish }, tx('publish'))),
    out);
  await load();
}

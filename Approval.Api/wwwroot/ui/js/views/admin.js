// 系统管理: dashboard (volumes, working days per item against statutory limits, satisfaction), shared-data import with
// per-row errors, the holiday calendar of a year, the stored bundle versions, reform figures and policy simulation (policy.js).
import { api } from '../api.js';
import { h, clear, problemBox, info, table, fmtTime } from '../dom.js';
import { t, pick } from '../i18n.js';
import { reform, policy } from './policy.js';
import { matching } from './matching.js';

function bar(value, max, label) {
  const fill = h('span', { class: 'bar-fill' });
  fill.style.width = `${max ? Math.min(100, Math.round((100 * value) / max)) : 0}%`;
  return h('span', { class: 'bar', role: 'img', 'aria-label': label }, fill);
}

function counts(title, rows, labeler = (k) => k) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return table(title, [title, '#', ''], rows.map((r) => h('tr', {}, h('td', {}, labeler(r.key)), h('td', { class: 'num' }, r.count), h('td', {}, bar(r.count, max, `${r.count}`)))));
}

async function dashboard(target) {
  const [d, bundles] = await Promise.all([api('/api/admin/dashboard'), api('/api/bundles')]);
  const bundleName = (code) => { const b = bundles.find((x) => x.code === code); return b ? pick(b.name, b.nameEn) : code; };
  const items = table(t('timePerItem'), [t('items'), t('statutory'), t('promised'), t('ended'), t('avgUsed'), t('maxUsed'), t('overStatutory'), t('openCount'), t('overdue')],
    d.items.map((i) => h('tr', { class: i.overStatutory || i.overdue ? 'due-overdue' : '', dataset: { item: i.itemCode } },
      h('td', {}, h('strong', {}, i.itemCode), ' ', pick(i.name, i.nameEn)), h('td', { class: 'num' }, i.statutoryDays), h('td', { class: 'num' }, i.promisedDays),
      h('td', { class: 'num' }, i.ended), h('td', { class: 'num' }, i.averageUsedDays ?? '—', i.averageUsedDays != null ? bar(i.averageUsedDays, i.statutoryDays, `${i.averageUsedDays}/${i.statutoryDays}`) : null),
      h('td', { class: 'num' }, i.maxUsedDays ?? '—'), h('td', { class: 'num' }, i.overStatutory), h('td', { class: 'num' }, i.open), h('td', { class: 'num' }, i.overdue))));
  const s = d.satisfaction;
  clear(target,
    h('div', { class: 'cards' },
      h('div', { class: 'card' }, h('div', { class: 'big', dataset: { total: d.applications } }, d.applications), t('volumes')),
      h('div', { class: 'card' }, h('div', { class: 'big' }, s.average ?? '—'), `${t('satisfaction')} (${t('ratings')} ${s.ratings})`)),
    h('div', { class: 'grid3' }, counts(t('byBundle'), d.byBundle, bundleName), counts(t('byChannel'), d.byChannel, (k) => t(`channels.${k}`)), counts(t('byStatus'), d.byStatus, (k) => t(`appStatus.${k}`))),
    items,
    counts(t('satisfaction'), s.scores, (k) => `${k} · ${t(`stars.${k}`)}`));
}

async function sharedData(target) {
  const sources = await api('/api/admin/shared-data');
  const out = h('div', { 'aria-live': 'polite' });
  const source = h('select', { id: 'sd-source' }, sources.map((x) => h('option', { value: x.code }, `${x.code} — ${x.description}`)));
  const format = h('select', { id: 'sd-format' }, h('option', { value: 'text/csv' }, 'CSV'), h('option', { value: 'application/json' }, 'JSON'));
  const body = h('textarea', { id: 'sd-body', rows: 6, spellcheck: 'false', placeholder: 'subject,validFrom,validTo,status' });
  const replace = h('input', { type: 'checkbox', id: 'sd-replace' });
  const list = table(t('source'), [t('source'), 'subject', 'attributes', t('records')], sources.map((x) => h('tr', {}, h('td', {}, x.code), h('td', {}, x.subject), h('td', {}, x.attributes.join(', ')), h('td', { class: 'num' }, x.records))));
  clear(target, list, h('form', {
    class: 'panel',
    onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        const r = await api(`/api/admin/shared-data/${source.value}${replace.checked ? '?replace=true' : ''}`, { method: 'POST', form: body.value, headers: { 'Content-Type': format.value } });
        clear(out, info(t('imported', { n: r.imported }), 'ok'));
        sharedData(target);
      } catch (e) {
        const rows = Object.entries(e.errors ?? {}).map(([k, v]) => { const m = /^records\[(\d+)\]\.?(.*)$/.exec(k); return h('tr', { class: 'due-overdue' }, h('td', { class: 'num' }, m ? Number(m[1]) + 1 : '—'), h('td', {}, m ? m[2] : k), h('td', {}, [].concat(v).join('; '))); });
        clear(out, problemBox({ ...e, errors: {} }), rows.length ? table(null, ['#', 'field', t('reasons')], rows, { class: 'row-errors' }) : null);
      }
    },
  }, h('h3', {}, t('importData')),
  h('div', { class: 'field' }, h('label', { for: 'sd-source' }, t('source')), source),
  h('div', { class: 'field' }, h('label', { for: 'sd-format' }, t('format')), format),
  h('label', { for: 'sd-body' }, t('records')), body,
  h('div', { class: 'check' }, replace, h('label', { for: 'sd-replace' }, t('replace'))),
  h('button', { type: 'submit', class: 'primary' }, t('importData')), out));
}

async function calendar(target) {
  const year = h('input', { id: 'cal-year', type: 'number', value: new Date().getFullYear(), min: 2000, max: 2100 });
  const text = h('textarea', { id: 'cal-json', rows: 14, spellcheck: 'false' });
  const view = h('div');
  const out = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    try {
      const c = await api(`/api/admin/calendars/${year.value}`);
      text.value = JSON.stringify({ source: c.source, holidays: c.holidays, makeUpWorkingDays: c.makeUpWorkingDays }, null, 2);
      clear(view, table(`${c.year} · ${c.source ?? ''}`, ['', 'from', 'to'], c.holidays.map((x) => h('tr', {}, h('td', {}, x.name), h('td', {}, x.from), h('td', {}, x.to)))),
        h('p', { class: 'small' }, 'make-up working days: ', c.makeUpWorkingDays.join(', ') || t('none')));
      clear(out);
    } catch (e) { clear(out, problemBox(e)); clear(view); }
  };
  clear(target, h('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); load(); } },
    h('div', { class: 'field' }, h('label', { for: 'cal-year' }, t('year')), year), h('button', { type: 'submit' }, t('load'))), view,
  h('form', {
    class: 'panel',
    onsubmit: async (ev) => {
      ev.preventDefault();
      let body;
      try { body = JSON.parse(text.value); } catch (e) { clear(out, info(e.message, 'error')); return; }
      try { await api(`/api/admin/calendars/${year.value}`, { method: 'PUT', body }); clear(out, info(t('saved'), 'ok')); load(); } catch (e) { clear(out, problemBox(e)); }
    },
  }, h('label', { for: 'cal-json' }, 'JSON'), text, h('button', { type: 'submit', class: 'primary' }, t('save'))), out);
  await load();
}

async function versions(target) {
  const list = await api('/api/admin/bundle-versions');
  clear(target, table(t('versions'), [t('bundle'), t('version'), t('current'), t('pinned'), t('loadedAt'), t('files')], list.map((v) => h('tr', {},
    h('td', {}, v.bundleCode), h('td', { class: 'mono' }, v.version), h('td', {}, v.current ? '✔' : ''), h('td', { class: 'num' }, v.applications), h('td', {}, fmtTime(v.loadedAt)), h('td', { class: 'small' }, v.files.join(', '))))));
}

export async function admin(main) {
  const tabs = [['dashboard', t('dashboard'), dashboard], ['shared', t('sharedData'), sharedData], ['calendar', t('calendar'), calendar], ['versions', t('versions'), versions],
    ['reform', t('reform'), reform], ['policy', t('policy'), policy], ['matching', t('matchingTab'), matching]];
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel', tabindex: '0' });
  const buttons = tabs.map(([key, label, fn], i) => h('button', {
    type: 'button', role: 'tab', id: `tab-${key}`, 'aria-selected': i === 0 ? 'true' : 'false', dataset: { tab: key },
    onclick: async (ev) => {
      buttons.forEach((b) => b.setAttribute('aria-selected', b === ev.currentTarget ? 'true' : 'false'));
      panel.setAttribute('aria-labelledby', `tab-${key}`);
      try { await fn(panel); } catch (e) { clear(panel, problemBox(e)); }
    },
  }, label));
  clear(main, h('h1', {}, t('adminTitle')), h('div', { role: 'tablist', class: 'tabs' }, buttons), panel);
  panel.setAttribute('aria-labelledby', 'tab-dashboard');
  try { await dashboard(panel); } catch (e) { clear(panel, problemBox(e)); }
}

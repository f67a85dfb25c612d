// 免申即享 (proactive matching): start a run of a bundle's rules over the shared-data registry, follow its progress,
// page through the persons found (masked name and ID only) and invite them. The API keeps the clear data to itself.
import { api } from '../api.js';
import { h, clear, problemBox, info, table, fmtTime } from '../dom.js';
import { t, pick } from '../i18n.js';

const KEY = 'approval.matchingRun';
const PAGE = 20;

export async function matching(target) {
  const bundles = await api('/api/bundles');
  const bundle = h('select', { id: 'mr-bundle' }, bundles.map((b) => h('option', { value: b.code }, pick(b.name, b.nameEn))));
  const asOf = h('input', { id: 'mr-asof', type: 'date', value: new Date().toISOString().slice(0, 10) });
  const progress = h('div', { class: 'panel', 'aria-live': 'polite', dataset: { role: 'progress' } });
  const list = h('div', { dataset: { role: 'matches' } });
  const out = h('div', { 'aria-live': 'polite' });
  let timer;

  const showMatches = async (run, page) => {
    const r = await api(`${run.url}/matches?page=${page}&pageSize=${PAGE}`);
    const pages = Math.max(1, Math.ceil(r.total / PAGE));
    clear(list,
      table(`${t('matches')} · ${r.total}`, [t('matchRef'), t('maskedName'), t('maskedId'), t('items'), t('reasons'), t('invited')], r.items.map((m) => h('tr', { dataset: { subject: m.subject } },
        h('td', { class: 'mono' }, m.subject), h('td', {}, m.maskedName), h('td', { class: 'mono' }, m.maskedId ?? '—'),
        h('td', {}, m.items.map((i) => h('div', {}, h('strong', {}, i.item), ' ', i.name, i.monthlyAmount != null ? ` · ${i.monthlyAmount}/${t('month')}` : '', i.yearlyAmount != null ? ` · ${i.yearlyAmount}/${t('yearUnit')}` : ''))),
        h('td', { class: 'small' }, m.items.map((i) => i.reasons.map((x) => h('div', {}, x.message)))),
        h('td', {}, m.invited ? '✔' : '')))),
      h('div', { class: 'pager' },
        h('button', { type: 'button', disabled: page <= 1, onclick: () => showMatches(run, page - 1) }, '‹'),
        ` ${page} / ${pages} `,
        h('button', { type: 'button', disabled: page >= pages, onclick: () => showMatches(run, page + 1) }, '›')),
      h('button', {
        type: 'button', class: 'primary', id: 'mr-invite', disabled: r.total === 0,
        onclick: async () => {
          try {
            const x = await api(`${run.url}/invitations`, { method: 'POST' });
            clear(out, info(t('invitationsCreated', { n: x.created, a: x.alreadyInvited, c: x.noLongerOpen }), 'ok'));
            await showMatches(run, page);
          } catch (e) { clear(out, problemBox(e)); }
        },
      }, t('invite')));
  };

  const follow = async (url) => {
    clearTimeout(timer);
    let run;
    try { run = await api(url); } catch (e) { clear(progress, problemBox(e)); return; }
    sessionStorage.setItem(KEY, run.url);
    const bar = h('progress', { max: Math.max(1, run.total), value: run.processed, 'aria-label': t('progress') });
    clear(progress, h('h3', {}, `${run.bundleCode} · ${run.asOf}`),
      h('div', { dataset: { state: run.state } }, t(`runState.${run.state}`), ' · ', `${run.processed} / ${run.total}`, ' · ', t('matched'), ' ', h('strong', {}, run.matched)),
      bar, h('div', { class: 'small' }, `${t('startedAt')} ${fmtTime(run.startedAt)} · ${t('finishedAt')} ${fmtTime(run.finishedAt)}`),
      run.error ? info(run.error, 'error') : null);
    if (run.state === 'finished') await showMatches(run, 1);
    else if (run.state !== 'failed' && target.isConnected) timer = setTimeout(() => follow(url), 1000);
  };

  clear(target, h('form', {
    class: 'filters',
    onsubmit: async (ev) => {
      ev.preventDefault();
      clear(out); clear(list);
      try {
        const run = await api(`/api/admin/bundles/${bundle.value}/matching-runs`, { method: 'POST', body: asOf.value ? { asOf: asOf.value } : {} });
        await follow(run.url);
      } catch (e) { clear(out, problemBox(e)); }
    },
  }, h('div', { class: 'field' }, h('label', { for: 'mr-bundle' }, t('bundle')), bundle),
  h('div', { class: 'field' }, h('label', { for: 'mr-asof' }, t('asOf')), asOf),
  h('button', { type: 'submit', class: 'primary', id: 'mr-start' }, t('startMatching'))),
  h('p', { class: 'small' }, t('matchingHelp')), out, progress, list);
  const last = sessionStorage.getItem(KEY);
  if (last) await follow(last);
}

// One application as the applicant, the clerk or the kiosk sees it: items with status, due dates and pauses,
// supplement requests (补正) to answer, materials, tasks, timeline, the combined result (统一出件) and the rating.
import { api } from './api.js';
import { h, badge, table, fmtDate, fmtTime, problemBox, info, uid } from './dom.js';
import { t } from './i18n.js';
import { itemName, materialName, departmentName } from './notice.js';

const outcomeKind = { granted: 'ok', refused: 'bad', notGranted: 'bad', ineligible: 'bad', revoked: 'bad', withdrawn: 'muted', notApplicable: 'muted' };

export function uploadControl(app, code, bundle, onDone) {
  const id = uid('file');
  const file = h('input', { type: 'file', id, accept: 'application/pdf,image/jpeg,image/png', dataset: { upload: code } });
  const out = h('span', { class: 'upload-result', 'aria-live': 'polite' });
  const uploaded = app.materials.filter((m) => m.materialCode === code);
  const button = h('button', {
    type: 'button', class: 'secondary small', dataset: { uploadButton: code },
    onclick: async () => {
      if (!file.files.length) { file.focus(); return; }
      const form = new FormData();
      form.append('file', file.files[0]);
      button.disabled = true;
      try {
        await api(`/api/applications/${app.id}/materials/${encodeURIComponent(code)}`, { method: 'POST', form });
        out.replaceChildren(badge(t('uploaded'), 'ok'));
        onDone?.();
      } catch (e) {
        out.replaceChildren(problemBox(e));
      } finally { button.disabled = false; }
    },
  }, t('upload'));
  return h('div', { class: 'upload' }, h('label', { for: id }, materialName(bundle, code)), file, button, out,
    uploaded.length ? h('span', { class: 'small' }, ' ', badge(`${t('uploaded')} ×${uploaded.length}`, 'ok')) : null);
}

export function renderApplication(app, bundle, { canAct = false, canRate = false, reload = () => {} } = {}) {
  const parts = [];
  parts.push(h('dl', { class: 'facts-list' },
    h('dt', {}, t('receiptNo')), h('dd', { dataset: { receipt: app.receiptNumber } }, app.receiptNumber),
    h('dt', {}, t('status')), h('dd', { class: 'app-status', dataset: { status: app.status } }, t(`appStatus.${app.status}`)),
    h('dt', {}, t('receiptDate')), h('dd', {}, fmtTime(app.submittedAt), ' · ', t(`channels.${app.channel}`)),
    app.applicantIdNumber ? [h('dt', {}, '证件号 / ID'), h('dd', {}, app.applicantIdNumber)] : null));

  parts.push(table(t('items'), [t('items'), t('status'), t('dueDate'), t('statutoryDue'), t('result')], app.items.map((i) => h('tr', { dataset: { item: i.code, status: i.status, outcome: i.outcome ?? '' } },
    h('td', {}, h('strong', {}, i.code), ' ', itemName(bundle, i.code), h('div', { class: 'small' }, departmentName(bundle, i.department))),
    h('td', {}, t(`itemStatus.${i.status}`), i.paused ? h('div', {}, badge(`${t('paused')} ${fmtDate(i.pausedOn)}`, 'warn')) : null,
      i.reviewFlag ? h('div', {}, badge(i.reviewFlag, 'warn')) : null, h('div', { class: 'small' }, t('usedDays'), ' ', i.usedDays)),
    h('td', {}, fmtDate(i.dueDate)),
    h('td', {}, fmtDate(i.statutoryDueDate)),
    h('td', {}, i.outcome ? badge(t(`itemOutcome.${i.outcome}`), outcomeKind[i.outcome] ?? 'muted') : '—',
      i.number ? h('div', { class: 'mono' }, i.number) : null, i.outcomeReason ? h('div', { class: 'small' }, i.outcomeReason) : null))), { class: 'items' }));

  const waiting = app.items.filter((i) => i.status === 'awaitingSupplement' && i.supplementMaterials.length);
  if (canAct && waiting.length) {
    parts.push(h('section', { class: 'panel supplement', 'aria-labelledby': 'supp-h' }, h('h3', { id: 'supp-h' }, t('supplementNeeded')),
      waiting.map((i) => {
        const out = h('div', { 'aria-live': 'polite' });
        return h('div', { class: 'supplement-item', dataset: { item: i.code } },
          h('p', {}, h('strong', {}, `${i.code} ${itemName(bundle, i.code)}`), t('colon'), i.supplementMaterials.map((m) => materialName(bundle, m)).join('、')),
          i.supplementMaterials.map((m) => uploadControl(app, m, bundle)),
          h('button', {
            type: 'button', dataset: { answerSupplement: i.code },
            onclick: async (ev) => {
              ev.target.disabled = true;
              try {
                await api(`/api/applications/${app.id}/supplements`, { method: 'POST', body: { itemCode: i.code, materials: i.supplementMaterials } });
                reload();
              } catch (e) { out.replaceChildren(problemBox(e)); ev.target.disabled = false; }
            },
          }, t('answerSupplement')), out);
      })));
  }

  if (canAct && ['running', 'awaitingAcceptance'].includes(app.status)) {
    const codes = [...new Set(bundle.materials.map((m) => m.code))];
    parts.push(h('details', { class: 'panel' }, h('summary', {}, t('materials'), ' · ', t('upload')),
      codes.map((c) => uploadControl(app, c, bundle, reload))));
  }

  if (app.materials.length) {
    parts.push(table(t('materials'), [t('materials'), t('files'), 'SHA-256', t('receiptDate')], app.materials.map((m) => h('tr', {},
      h('td', {}, materialName(bundle, m.materialCode)), h('td', {}, m.fileName), h('td', { class: 'mono small' }, m.sha256.slice(0, 16), '…'), h('td', {}, fmtTime(m.uploadedAt))))));
  }

  if (app.combinedResult) parts.push(renderCombined(app.combinedResult, bundle));

  if (canRate && app.combinedResult && !app.rating) parts.push(ratingForm(app, reload));
  if (app.rating) parts.push(info(`${t('rated')}${t('colon')}${app.rating.score} / 5 ${app.rating.comment ?? ''}`));

  const openTasks = app.tasks.filter((x) => x.status === 'open' || x.status === 'waiting');
  if (openTasks.length) {
    parts.push(table(t('tasks'), [t('items'), t('kind'), t('status'), t('dueDate')], openTasks.map((x) => h('tr', {},
      h('td', {}, x.itemCode ?? '—', ' ', departmentName(bundle, x.department)), h('td', {}, t(`kinds.${x.kind}`)),
      h('td', {}, t(`taskStatus.${x.status}`), x.waitingFor ? ` · ${t('waitingFor')} ${x.waitingFor}` : ''), h('td', {}, fmtDate(x.dueDate))))));
  }

  parts.push(h('details', { class: 'panel timeline' }, h('summary', {}, t('timeline'), ` (${app.timeline.length})`),
    h('ol', {}, app.timeline.map((e) => h('li', {}, h('time', { datetime: e.at }, fmtTime(e.at)), ' ', e.itemCode ? h('strong', {}, e.itemCode, ' ') : null, e.event, e.detail ? ` — ${e.detail}` : '')))));

  if (canAct && ['running', 'awaitingAcceptance'].includes(app.status)) parts.push(withdrawForm(app, reload));
  return h('div', { class: 'application', dataset: { applicationId: app.id } }, parts);
}

export function renderCombined(result, bundle) {
  return h('section', { class: 'panel combined', 'aria-labelledby': 'combined-h' }, h('h3', { id: 'combined-h' }, t('combined'), ' · ', fmtTime(result.issuedAt)),
    table(null, [t('items'), t('result'), t('number')], result.items.map((i) => h('tr', { dataset: { item: i.code, result: i.result } },
      h('td', {}, h('strong', {}, i.code), ' ', itemName(bundle, i.code)),
      h('td', {}, badge(t(`resultKind.${i.result}`), i.result === 'granted' ? 'ok' : i.result === 'refused' ? 'bad' : 'muted'),
        i.outcome !== i.result && i.outcome !== 'granted' ? h('div', { class: 'small' }, t(`itemOutcome.${i.outcome}`)) : null,
        i.reasons.length ? h('div', { class: 'small' }, i.reasons.join('；')) : null),
      h('td', { class: 'mono' }, [i.creditCode, i.licenceNumber, i.certificateNumber, i.monthlyAmount && `¥${i.monthlyAmount}/月 ${i.startMonth ?? ''}`, i.yearlyAmount && `¥${i.yearlyAmount}/年`, i.level].filter(Boolean).join(' · ') || '—')))));
}

function ratingForm(app, reload) {
  const name = uid('score');
  const out = h('div', { 'aria-live': 'polite' });
  const comment = h('textarea', { id: `${name}-c`, rows: 2, maxlength: 1000 });
  return h('form', {
    class: 'panel rating',
    onsubmit: async (ev) => {
      ev.preventDefault();
      const score = Number(new FormData(ev.target).get(name));
      try {
        await api(`/api/applications/${app.id}/rating`, { method: 'POST', body: { score, comment: comment.value.trim() || undefined } });
        reload();
      } catch (e) { out.replaceChildren(problemBox(e)); }
    },
  }, h('fieldset', {}, h('legend', {}, t('rateLabel')),
    h('div', { class: 'stars' }, [1, 2, 3, 4, 5].map((s) => h('label', { class: 'star' }, h('input', { type: 'radio', name, value: s, required: true, dataset: { score: s } }), ` ${s} `, h('span', { class: 'small' }, t(`stars.${s}`)))))),
  h('label', { for: `${name}-c` }, t('comment')), comment, h('button', { type: 'submit' }, t('sendRating')), out);
}

function withdrawForm(app, reload) {
  const id = uid('withdraw');
  const reason = h('textarea', { id, rows: 2, required: true, maxlength: 500 });
  const out = h('div', { 'aria-live': 'polite' });
  return h('details', { class: 'panel withdraw' }, h('summary', {}, t('withdraw')),
    h('form', {
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          await api(`/api/applications/${app.id}/withdrawal`, { method: 'POST', body: { reason: reason.value.trim() } });
          reload();
        } catch (e) { out.replaceChildren(problemBox(e)); }
      },
    }, h('label', { for: id }, t('withdrawReason')), reason, h('button', { type: 'submit', class: 'danger' }, t('confirmWithdraw')), out));
}

// 自助终端: full screen, large touch targets, Chinese by default. The ID-card reader's driver calls
// window.approvalKiosk.identityVerified({ idNumber, name }) (or dispatches an `identityVerified` event with that detail);
// after a period without touch everything typed is cleared; each submission attempt carries its own Idempotency-Key.
import { api } from '../api.js';
import { h, clear, info } from '../dom.js';
import { t, setLang, pick } from '../i18n.js';
import { loadBundle, mountApply, receiptView } from '../apply.js';
import { lookupForm } from './desk.js';

const IDLE_SECONDS = Number(new URLSearchParams(location.search).get('idle') ?? 120);
const WARN_SECONDS = Math.min(20, Math.max(1, Math.floor(IDLE_SECONDS / 2)));

const identityPaths = {
  'disability-assistance': { idNumber: 'applicant.idNumber', name: 'applicant.name' },
  'entertainment-venue': { idNumber: 'enterprise.legalRepresentative.idNumber', name: 'enterprise.legalRepresentative.name' },
};

let teardown = () => {};

export async function kiosk(main, { rerender }) {
  teardown();
  if (!sessionStorage.getItem('approval.kiosk.lang')) { setLang('zh'); sessionStorage.setItem('approval.kiosk.lang', 'zh'); }
  document.body.classList.add('kiosk-mode');
  const bundles = await api('/api/bundles');
  let identity = null;
  let apply = null;
  let current = null;
  const status = h('div', { class: 'kiosk-identity', 'aria-live': 'polite' }, info(t('kioskReadId')));
  const area = h('div', { class: 'kiosk-area' });

  const fill = () => {
    if (!identity || !apply || !current) return;
    const paths = identityPaths[current.code];
    if (paths) { apply.form.setValue(paths.idNumber, identity.idNumber); apply.form.setValue(paths.name, identity.name); }
  };
  const verified = (detail) => {
    identity = { idNumber: String(detail.idNumber ?? ''), name: String(detail.name ?? '') };
    clear(status, info(t('kioskIdOk', { name: identity.name }), 'ok'));
    fill();
    apply?.reassess();
  };
  const onEvent = (ev) => verified(ev.detail ?? {});
  window.approvalKiosk = { identityVerified: verified, reset: () => home() };
  document.addEventListener('identityVerified', onEvent);

  const start = async (code) => {
    current = await loadBundle(code);
    apply = mountApply(area, current, {
      channel: 'kiosk',
      exclude: ['evidence'],
      extraFacts: () => (identity ? { evidence: { identityVerified: true } } : {}),
      onSubmitted: (receipt) => clear(area, info(t('kioskDone'), 'ok'), receiptView(current, receipt, [h('button', { type: 'button', class: 'secondary', onclick: () => home() }, t('kioskExit'))])),
    });
    fill();
  };

  function home() {
    identity = null; apply = null; current = null;
    clear(status, info(t('kioskReadId')));
    clear(area, h('div', { class: 'kiosk-tiles' }, bundles.map((b) => h('button', { type: 'button', class: 'tile', dataset: { bundle: b.code }, onclick: () => start(b.code) }, pick(b.name, b.nameEn)))));
    window.scrollTo(0, 0);
  }

  const found = h('div');
  const lookup = h('details', { class: 'panel kiosk-lookup' }, h('summary', {}, t('kioskFind')), await lookupForm(found, { canAct: true, canRate: true }), found);

  // idle timeout: a warning with a countdown, then everything is cleared
  const dialog = h('div', { class: 'idle-dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'idle-text', hidden: true },
    h('p', { id: 'idle-text' }), h('button', { type: 'button', class: 'primary', onclick: () => touch() }, t('kioskStay')));
  let idleTimer, tick, left;
  const clearAll = () => {
    dialog.hidden = true;
    clearInterval(tick);
    found.replaceChildren();
    lookup.open = false;
    home();
    touch();
  };
  function touch() {
    dialog.hidden = true;
    clearInterval(tick);
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      left = WARN_SECONDS;
      dialog.hidden = false;
      dialog.querySelector('p').textContent = t('kioskIdle', { s: left });
      dialog.querySelector('button').focus();
      tick = setInterval(() => {
        left--;
        dialog.querySelector('p').textContent = t('kioskIdle', { s: left });
        if (left <= 0) clearAll();
      }, 1000);
    }, Math.max(1, IDLE_SECONDS - WARN_SECONDS) * 1000);
  }
  const events = ['pointerdown', 'keydown', 'input'];
  const onActivity = () => { if (dialog.hidden) touch(); };
  events.forEach((e) => document.addEventListener(e, onActivity, true));
  teardown = () => {
    events.forEach((e) => document.removeEventListener(e, onActivity, true));
    document.removeEventListener('identityVerified', onEvent);
    clearTimeout(idleTimer); clearInterval(tick);
    document.body.classList.remove('kiosk-mode');
    delete window.approvalKiosk;
  };

  const fullscreen = h('button', { type: 'button', class: 'secondary', onclick: () => document.documentElement.requestFullscreen?.().catch(() => {}) }, t('kioskFullscreen'));
  clear(main, h('div', { class: 'kiosk' }, h('h1', {}, t('kioskWelcome')), h('div', { class: 'kiosk-bar' }, status, fullscreen, h('button', { type: 'button', class: 'danger', onclick: clearAll }, t('kioskExit'))), area, lookup, dialog));
  home();
  touch();
  return () => teardown();
}

export const leaveKiosk = () => teardown();

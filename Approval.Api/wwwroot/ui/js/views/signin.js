// Sign-in: paste a token minted by an operator; or, only when Ui:DemoSignIn is on, the clearly-labelled demo sign-in.
import { api, session, decodeClaims } from '../api.js';
import { h, clear, problemBox, info } from '../dom.js';
import { t, pick } from '../i18n.js';

export async function signin(main, { next, onSignedIn }) {
  const out = h('div', { 'aria-live': 'polite' });
  const token = h('textarea', { id: 'token', rows: 4, spellcheck: 'false', autocomplete: 'off', required: true });
  const done = () => { onSignedIn(); location.hash = next || home(session.claims?.role); };
  const tokenForm = h('form', {
    class: 'panel', 'aria-labelledby': 'signin-h',
    onsubmit: (ev) => {
      ev.preventDefault();
      const value = token.value.trim();
      const claims = decodeClaims(value);
      if (!claims?.role) { clear(out, info(t('badToken'), 'error')); return; }
      session.set(value);
      done();
    },
  }, h('h2', { id: 'signin-h' }, t('signInTitle')), h('label', { for: 'token' }, t('tokenLabel')), h('p', { class: 'small', id: 'token-help' }, t('tokenHelp')), token,
  h('button', { type: 'submit', class: 'primary' }, t('signIn')));
  token.setAttribute('aria-describedby', 'token-help');

  const parts = [h('h1', {}, t('signInTitle')), tokenForm, out];
  const config = await api('/api/ui/config').catch(() => ({ demoSignIn: false }));
  if (config.demoSignIn) {
    const bundles = await api('/api/bundles').catch(() => []);
    const departments = new Map();
    for (const b of bundles) {
      const full = await api(`/api/bundles/${b.code}`).catch(() => null);
      for (const d of full?.departments ?? []) departments.set(d.code, pick(d.name, d.nameEn));
    }
    const role = h('select', { id: 'demo-role' }, ['clerk', 'reviewer', 'applicant', 'kiosk', 'admin'].map((r) => h('option', { value: r }, t(`roles.${r}`))));
    const dept = h('select', { id: 'demo-dept' }, [...departments].map(([c, n]) => h('option', { value: c }, `${n} (${c})`)));
    const subject = h('input', { id: 'demo-subject', autocomplete: 'off' });
    const sync = () => { dept.closest('.field').hidden = role.value !== 'reviewer'; subject.closest('.field').hidden = !['applicant', 'kiosk'].includes(role.value); };
    role.addEventListener('change', sync);
    const demo = h('form', {
      class: 'panel demo', 'aria-labelledby': 'demo-h',
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          const r = await api('/api/ui/demo-token', { method: 'POST', body: { role: role.value, department: role.value === 'reviewer' ? dept.value : undefined, subject: subject.value.trim() || undefined } });
          session.set(r.token);
          done();
        } catch (e) { clear(out, problemBox(e)); }
      },
    }, h('h2', { id: 'demo-h' }, '⚠ ', t('demoTitle')), h('p', { class: 'small' }, t('demoHelp')),
    h('div', { class: 'field' }, h('label', { for: 'demo-role' }, t('role')), role),
    h('div', { class: 'field' }, h('label', { for: 'demo-dept' }, t('department')), dept),
    h('div', { class: 'field' }, h('label', { for: 'demo-subject' }, t('subject')), subject),
    h('button', { type: 'submit' }, t('demoSignIn')));
    parts.push(demo);
    setTimeout(sync);
  }
  clear(main, parts);
}

export const home = (role) => ({ clerk: '#/desk', reviewer: '#/inbox', applicant: '#/portal', kiosk: '#/kiosk', admin: '#/admin' }[role] ?? '#/signin');

// The shell: header with navigation, language switch and identity; hash routes #/desk, #/inbox, #/portal, #/kiosk,
// #/admin, #/signin. Each screen states the roles it needs; the API enforces them.
import { api, session } from './api.js';
import { h, clear, problemBox, info } from './dom.js';
import { t, getLang, setLang } from './i18n.js';
import { signin, home } from './views/signin.js';
import { desk } from './views/desk.js';
import { inbox } from './views/inbox.js';
import { portal } from './views/portal.js';
import { kiosk, leaveKiosk } from './views/kiosk.js';
import { admin } from './views/admin.js';

const routes = {
  desk: { view: desk, roles: ['clerk'], nav: 'navDesk' },
  inbox: { view: inbox, roles: ['reviewer', 'admin'], nav: 'navInbox' },
  portal: { view: portal, roles: ['applicant'], nav: 'navPortal' },
  kiosk: { view: kiosk, roles: ['kiosk'], nav: 'navKiosk' },
  admin: { view: admin, roles: ['admin'], nav: 'navAdmin' },
};

const main = document.getElementById('main');
const header = document.getElementById('header');
let config = { demoSignIn: false, today: new Date().toISOString().slice(0, 10) };

function renderHeader(route) {
  const claims = session.claims;
  clear(header,
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, t('skip')),
    h('div', { class: 'brand' }, t('appName')),
    h('nav', { 'aria-label': t('appName') }, h('ul', {}, Object.entries(routes).map(([key, r]) => h('li', {},
      h('a', { href: `#/${key}`, 'aria-current': route === key ? 'page' : undefined, class: claims && !r.roles.includes(claims.role) ? 'dim' : undefined }, t(r.nav)))))),
    h('div', { class: 'who' },
      claims ? [h('span', { class: 'identity', dataset: { role: claims.role } }, t('signedInAs'), t('colon'), t(`roles.${claims.role}`), claims.department ? ` · ${claims.department}` : '', claims.role === 'applicant' || claims.role === 'kiosk' ? ` · ${mask(claims.sub)}` : ''),
        h('button', { type: 'button', class: 'secondary small', onclick: () => { session.clear(); location.hash = '#/signin'; } }, t('signOut'))]
        : h('a', { href: '#/signin' }, t('navSignIn')),
      h('button', { type: 'button', class: 'secondary small', lang: getLang() === 'zh' ? 'en' : 'zh-CN', 'aria-label': t('languageLabel'), dataset: { lang: '' }, onclick: () => { setLang(getLang() === 'zh' ? 'en' : 'zh'); render(); } }, t('language'))));
}

const mask = (s) => (s && s.length > 10 ? `${s.slice(0, 6)}********${s.slice(-4)}` : s);

async function render() {
  const [, name = ''] = location.hash.match(/^#\/([\w-]+)/) ?? [];
  const claims = session.claims;
  if (name !== 'kiosk') leaveKiosk();
  renderHeader(name);
  main.setAttribute('aria-busy', 'true');
  try {
    if (name === 'signin' || (!routes[name] && !claims)) {
      await signin(main, { next: new URLSearchParams(location.hash.split('?')[1] ?? '').get('next'), onSignedIn: () => {} });
    } else if (!routes[name]) {
      location.hash = home(claims.role);
      return;
    } else if (!claims || !routes[name].roles.includes(claims.role)) {
      clear(main, h('h1', {}, t(routes[name].nav)), info(`${t('needRole')} ${routes[name].roles.map((r) => t(`roles.${r}`)).join('、')}`),
        h('p', {}, h('a', { href: `#/signin?next=${encodeURIComponent(`#/${name}`)}` }, t('goSignIn'))));
    } else {
      await routes[name].view(main, { today: config.today, rerender: render });
    }
  } catch (e) {
    clear(main, problemBox(e));
  } finally {
    main.removeAttribute('aria-busy');
    document.title = `${t(routes[name]?.nav ?? 'navSignIn')} · ${t('appName')}`;
  }
}

setLang(getLang());
config = await api('/api/ui/config').catch(() => config);
window.addEventListener('hashchange', render);
await render();
document.body.dataset.ready = 'true';

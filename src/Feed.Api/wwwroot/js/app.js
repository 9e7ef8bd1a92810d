import { el, show } from './dom.js';
import { session } from './api.js';
import { authView } from './auth.js';
import { homeView } from './home.js';
import { loadFollowing, searchView } from './people.js';
import { userView } from './user.js';

// A hash router: #/home, #/search, #/users/<id>. Signed out, every route shows the sign-in page.
const view = document.getElementById('view');
const nav = document.getElementById('nav');
let leave = null;

async function route() {
  leave?.();
  leave = null;
  document.title = 'Feed';
  if (!session.token) {
    nav.hidden = true;
    authView(view, async () => { await loadFollowing(); location.hash = '#/home'; route(); });
    return;
  }

  nav.hidden = false;
  document.getElementById('nav-me').setAttribute('href', `#/users/${session.user.user_id}`);
  const [, page, id] = (location.hash || '#/home').split('/');
  try {
    if (page === 'search') searchView(view);
    else if (page === 'users' && id) await userView(view, id);
    else leave = homeView(view);
  } catch (error) {
    if (error.status === 401) { session.clear(); route(); return; }
    show(view, el('p', { class: 'card error', text: error.message }));
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.clear();
  location.hash = '#/home';
  route();
});
window.addEventListener('hashchange', route);
if (session.token) loadFollowing().catch(() => {}).finally(route); else route();

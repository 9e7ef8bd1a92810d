import { el, show } from './dom.js';
import { api, session } from './api.js';
import { form } from './forms.js';

// Whom the signed-in user follows, read once after sign-in and kept up to date by the buttons.
export const following = new Set();

export async function loadFollowing() {
  following.clear();
  let cursor = null;
  do {
    const page = await api.following(session.user.user_id, cursor);
    page.items.forEach((item) => following.add(item.user_id));
    cursor = page.next_cursor;
  } while (cursor);
}

export function followButton(userId, username) {
  const button = el('button', { type: 'button', 'data-testid': `follow-${username}` });
  const render = () => {
    const follows = following.has(userId);
    button.textContent = follows ? 'Unfollow' : 'Follow';
    button.className = follows ? 'secondary' : '';
  };
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      if (following.has(userId)) { await api.unfollow(userId); following.delete(userId); }
      else { await api.follow(userId); following.add(userId); }
      render();
    } finally {
      button.disabled = false;
    }
  });
  render();
  return userId === session.user?.user_id ? el('span', { class: 'muted', text: 'you' }) : button;
}

export function personRow(person) {
  return el('li', { 'data-testid': 'person' },
    el('a', { href: `#/users/${person.user_id}`, text: person.username }),
    followButton(person.user_id, person.username));
}

export function searchView(view) {
  const results = el('ul', { class: 'people card', 'data-testid': 'search-results', hidden: true });
  const search = form({
    title: 'Find people', testid: 'search', submitText: 'Search',
    fields: [{ name: 'username', label: 'Username starts with', required: true }],
    onSubmit: async ({ username }) => {
      const page = await api.search(username);
      results.hidden = false;
      results.replaceChildren(...(page.items.length ? page.items.map(personRow) : [el('li', { class: 'muted', text: 'Nobody by that name.' })]));
    },
  });
  show(view, search, results);
}

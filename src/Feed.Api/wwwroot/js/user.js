import { el, show } from './dom.js';
import { api, session } from './api.js';
import { postCard } from './posts.js';
import { followButton, personRow } from './people.js';

// A user's page: their profile, their posts (newest first, page by page), followers and following.
export async function userView(view, userId) {
  const profile = await api.profile(userId);
  const name = `${profile.first_name} ${profile.last_name}`.trim();
  const heading = el('div', { class: 'card row spread' },
    el('div', {},
      el('h1', { 'data-testid': 'profile-username', text: profile.username }, profile.is_influencer ? el('span', { class: 'badge', text: 'influencer' }) : null),
      el('p', { class: 'muted', text: name })),
    followButton(profile.user_id, profile.username));

  const content = el('section', { 'data-testid': 'user-content' });
  const tabs = el('div', { class: 'tabs', role: 'tablist' });
  const tab = (label, testid, render) => {
    const button = el('button', { type: 'button', class: 'secondary', role: 'tab', 'data-testid': testid, text: label });
    button.addEventListener('click', () => {
      tabs.querySelectorAll('button').forEach((other) => other.setAttribute('aria-selected', String(other === button)));
      render();
    });
    return button;
  };

  const paged = (load, item, wrap) => async () => {
    const container = wrap();
    content.replaceChildren(container);
    let cursor = null;
    const more = el('button', { type: 'button', class: 'secondary', text: 'More' });
    const next = async () => {
      const page = await load(cursor);
      page.items.forEach((entry) => container.append(item(entry)));
      cursor = page.next_cursor;
      more.hidden = cursor === null;
      if (!page.items.length && !container.children.length) container.append(el('p', { class: 'muted', text: 'None yet.' }));
    };
    more.addEventListener('click', next);
    content.append(more);
    await next();
  };

  const onDelete = async (post, card) => {
    await api.deletePost(post.post_id);
    card.remove();
  };
  const postsTab = tab('Posts', 'tab-posts', paged((cursor) => api.userPosts(userId, cursor), (post) => postCard(post, { username: profile.username, onDelete }), () => el('div', { 'data-testid': 'user-posts' })));
  const followersTab = tab('Followers', 'tab-followers', paged((cursor) => api.followers(userId, cursor), personRow, () => el('ul', { class: 'people card', 'data-testid': 'followers' })));
  const followingTab = tab('Following', 'tab-following', paged((cursor) => api.following(userId, cursor), personRow, () => el('ul', { class: 'people card', 'data-testid': 'following' })));
  tabs.append(postsTab, followersTab, followingTab);
  show(view, heading, tabs, content);
  postsTab.click();
  if (session.user?.user_id === userId) document.title = 'Feed: my page';
}

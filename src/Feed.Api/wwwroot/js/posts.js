import { el, when } from './dom.js';
import { profileOf, session } from './api.js';

// One post card. The media URL is only ever an attribute; a URL the page may not load (the
// Content-Security-Policy allows this origin only) shows as text instead.
export function postCard(post, { username, onDelete } = {}) {
  const name = post.username ?? username ?? '';
  const author = el('a', { href: `#/users/${post.user_id}`, 'data-testid': 'post-author', text: name });
  const title = el('span', {}, author);
  const media = post.post_type === 'video' && !/\.(svg|png|jpe?g|gif|webp)$/i.test(post.post_url)
    ? el('video', { class: 'media', src: post.post_url, controls: true, muted: true, preload: 'metadata' })
    : el('img', { class: 'media', src: post.post_url, alt: `${post.post_type} by ${name}`, loading: 'lazy' });
  media.addEventListener('error', () => media.replaceWith(el('span', { class: 'missing', text: post.post_url })), { once: true });
  const own = session.user && session.user.user_id === post.user_id;
  const card = el('article', { class: 'post', 'data-testid': 'post', dataset: { postId: post.post_id, authorId: post.user_id } },
    el('header', {}, title, el('span', { class: 'muted', text: post.post_type === 'carousel' ? 'carousel' : post.post_type })),
    media,
    el('footer', {},
      el('time', { class: 'muted', datetime: post.created_on, text: when(post.created_on) }),
      own && onDelete ? el('button', { type: 'button', class: 'secondary', 'data-testid': 'delete-post', text: 'Delete', onclick: () => onDelete(post, card) }) : null));

  profileOf(post.user_id).then((profile) => {
    if (profile?.is_influencer) title.append(el('span', { class: 'badge', 'data-testid': 'influencer-badge', title: 'Influencer: their posts are pulled into timelines when read', text: 'influencer' }));
  });
  return card;
}

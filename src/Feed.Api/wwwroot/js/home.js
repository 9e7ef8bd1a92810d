import { el, show } from './dom.js';
import { api } from './api.js';
import { form } from './forms.js';
import { postCard } from './posts.js';
import { openLive } from './live.js';

// The home timeline: a composer, the "N new posts" banner fed by the live stream, and pages read
// one after the other as the end of the list scrolls into view (next_cursor until it is null).
export function homeView(view) {
  const list = el('section', { 'data-testid': 'timeline' });
  const end = el('p', { class: 'end', 'data-testid': 'timeline-end' });
  const banner = el('button', { type: 'button', class: 'banner', 'data-testid': 'new-posts-banner', hidden: true });
  const shown = new Set();
  const pending = new Set();
  let missed = false;
  let cursor = null;
  let finished = false;
  let loading = null;

  const composer = form({
    title: 'Share something', testid: 'compose', submitText: 'Post',
    fields: [
      { name: 'post_url', label: 'Image or video URL', type: 'url', placeholder: 'https://…', required: true },
      { name: 'post_type', label: 'Kind', options: ['image', 'video', 'carousel'] },
    ],
    onSubmit: async ({ post_url, post_type }, node) => {
      await api.post(post_url, post_type);
      node.reset();
      flash('Posted: your followers will see it in their timelines.');
    },
  });

  function updateBanner() {
    const count = pending.size;
    banner.hidden = count === 0 && !missed;
    banner.textContent = count > 0 ? `${count} new post${count === 1 ? '' : 's'}` : 'New posts: show them';
  }

  async function loadNext() {
    if (finished) return;
    loading ??= (async () => {
      try {
        const page = await api.timeline(cursor);
        for (const item of page.items) {
          if (shown.has(item.post_id)) continue;
          shown.add(item.post_id);
          list.append(postCard(item));
        }
        cursor = page.next_cursor;
        finished = cursor === null;
        end.textContent = finished ? (shown.size === 0 ? 'Nothing yet: follow people to fill your timeline.' : 'You are all caught up.') : '';
      } catch (error) {
        end.textContent = error.message;
      } finally {
        loading = null;
      }
    })();
    await loading;
    // A short first page can leave the end in view: read on until it scrolls away.
    if (!finished && sentinelVisible()) await loadNext();
  }

  async function reload() {
    await loading;
    pending.clear();
    missed = false;
    updateBanner();
    shown.clear();
    list.replaceChildren();
    cursor = null;
    finished = false;
    window.scrollTo({ top: 0 });
    await loadNext();
  }

  // Measured, not remembered from the observer: its reports arrive after a page was appended.
  const sentinelVisible = () => end.isConnected && end.getBoundingClientRect().top < window.innerHeight + 200;
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) loadNext();
  }, { rootMargin: '200px' });
  observer.observe(end);

  banner.addEventListener('click', reload);
  const close = openLive({
    onAdded: ({ post_id }) => { if (!shown.has(post_id)) { pending.add(post_id); updateBanner(); } },
    onRemoved: ({ post_id }) => {
      pending.delete(post_id);
      shown.delete(post_id);
      list.querySelector(`[data-post-id="${CSS.escape(post_id)}"]`)?.remove();
      updateBanner();
    },
    onRefetch: () => { missed = true; updateBanner(); },
  });

  show(view, composer, banner, list, end);
  loadNext();
  return () => { close(); observer.disconnect(); };
}

function flash(text) {
  const notice = document.getElementById('notice');
  notice.textContent = text;
  notice.hidden = false;
  setTimeout(() => { notice.hidden = true; }, 3000);
}

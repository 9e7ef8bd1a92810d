import { api, ApiError } from './api.js';

// The live timeline stream. EventSource cannot send headers, so each connection asks for a
// short-lived stream token first (the bearer token never goes into a URL), and asks again to reconnect.
export function openLive({ onAdded, onRemoved, onRefetch }) {
  let source = null;
  let closed = false;
  let retry = 1000;
  let connectedBefore = false;

  async function connect() {
    if (closed) return;
    try {
      const { access_token: token } = await api.streamToken();
      if (closed) return;
      source = new EventSource(`/api/timeline/stream?access_token=${encodeURIComponent(token)}`);
      source.addEventListener('open', () => {
        retry = 1000;
        document.body.dataset.live = 'open';
        // Nothing reached this page between the last stream and this one: what was posted then may be missing.
        if (connectedBefore) onRefetch();
        connectedBefore = true;
      });
      source.addEventListener('post-added', (event) => onAdded(JSON.parse(event.data)));
      source.addEventListener('post-removed', (event) => onRemoved(JSON.parse(event.data)));
      source.addEventListener('refetch', () => onRefetch());
      source.addEventListener('error', () => {
        // The token has expired by the time the browser would retry: reconnect with a new one.
        source?.close();
        document.body.dataset.live = 'closed';
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 30000);
      });
    } catch (error) {
      // Signed out (a new password ends every token): the page's next request says so; no use retrying.
      if (error instanceof ApiError && error.status === 401) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    }
  }

  connect();
  return () => { closed = true; source?.close(); delete document.body.dataset.live; };
}

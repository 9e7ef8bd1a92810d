// The Feed API as the page uses it. The bearer token lives in sessionStorage (gone with the tab),
// never in a URL; the stream gets a short-lived stream token of its own.
const tokenKey = 'feed.token';
const userKey = 'feed.user';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Request failed (${status})`);
    this.status = status;
    this.problem = problem ?? {};
    // RFC 9457 validation problems name each field in `errors`.
    this.fields = problem?.errors ?? {};
  }
}

export const session = {
  get token() { return sessionStorage.getItem(tokenKey); },
  get user() { const raw = sessionStorage.getItem(userKey); return raw ? JSON.parse(raw) : null; },
  save(token, user) { sessionStorage.setItem(tokenKey, token); sessionStorage.setItem(userKey, JSON.stringify(user)); },
  clear() { sessionStorage.removeItem(tokenKey); sessionStorage.removeItem(userKey); },
};

export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return null;
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

const q = encodeURIComponent;

export const api = {
  register: (user) => call('POST', '/api/users', user),
  signIn: (username, password) => call('POST', '/api/auth/token', { username, password }),
  me: () => call('GET', '/api/users/me'),
  profile: (id) => call('GET', `/api/users/${q(id)}`),
  search: (prefix) => call('GET', `/api/users?username=${q(prefix)}&limit=20`),
  timeline: (cursor, limit = 10) => call('GET', `/api/timeline?limit=${limit}${cursor ? `&cursor=${q(cursor)}` : ''}`),
  userPosts: (id, cursor) => call('GET', `/api/users/${q(id)}/posts?limit=10${cursor ? `&cursor=${q(cursor)}` : ''}`),
  followers: (id, cursor) => call('GET', `/api/users/${q(id)}/followers?limit=50${cursor ? `&cursor=${q(cursor)}` : ''}`),
  following: (id, cursor) => call('GET', `/api/users/${q(id)}/following?limit=100${cursor ? `&cursor=${q(cursor)}` : ''}`),
  follow: (id) => call('POST', `/api/users/${q(id)}/follow`),
  unfollow: (id) => call('DELETE', `/api/users/${q(id)}/follow`),
  post: (post_url, post_type) => call('POST', '/api/posts', { post_url, post_type }),
  deletePost: (id) => call('DELETE', `/api/posts/${q(id)}`),
  streamToken: () => call('POST', '/api/timeline/stream-token'),
};

// Public profiles, asked once per author: they say who is an influencer.
const profiles = new Map();
export function profileOf(id) {
  if (!profiles.has(id)) profiles.set(id, api.profile(id).catch(() => null));
  return profiles.get(id);
}

import { el, show } from './dom.js';
import { api, session } from './api.js';
import { form } from './forms.js';

export function authView(view, signedIn) {
  async function signIn({ username, password }) {
    const token = await api.signIn(username, password);
    session.save(token.access_token, { user_id: null, username });
    const me = await api.me();
    session.save(token.access_token, { user_id: me.user_id, username: me.username });
    signedIn();
  }

  const signInForm = form({
    title: 'Sign in', testid: 'sign-in', submitText: 'Sign in',
    fields: [
      { name: 'username', label: 'Username', autocomplete: 'username', required: true },
      { name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true },
    ],
    onSubmit: signIn,
  });

  const registerForm = form({
    title: 'New here? Register', testid: 'register', submitText: 'Register',
    fields: [
      { name: 'username', label: 'Username', autocomplete: 'username', required: true },
      { name: 'first_name', label: 'First name', required: true },
      { name: 'last_name', label: 'Last name', required: true },
      { name: 'email', label: 'Email', type: 'email', autocomplete: 'email', required: true },
      { name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', required: true },
    ],
    onSubmit: async (values) => {
      await api.register(values);
      await signIn(values);
    },
  });

  show(view, el('h1', { text: 'Welcome to Feed' }), signInForm, registerForm);
}

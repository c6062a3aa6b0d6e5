import { mount } from 'svelte';
import App from './App.svelte';
import NoBackend from './components/chrome/no-backend.svelte';
import { connectClient } from './transport';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('main: no #app element in index.html');

void connectClient().then((client) => {
  if (client === null || 'refused' in client) {
    mount(NoBackend, { target, props: { reason: client?.refused ?? null } });
    return;
  }
  // Asked before the first render, so the back end works while the page builds itself.
  const startup = client.api.startup();
  mount(App, { target, props: { client, startup } });
});

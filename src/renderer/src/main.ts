import { mount } from 'svelte';
import App from './App.svelte';
import NoBackend from './components/chrome/no-backend.svelte';
import { connectClient } from './transport';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('main: no #app element in index.html');

const client = connectClient();
export default client ? mount(App, { target, props: { client } }) : mount(NoBackend, { target });

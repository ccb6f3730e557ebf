import { mount } from 'svelte';
import App from './App.svelte';
import { createApi } from './api/index.js';
import { AppState } from './lib/app-state.svelte.js';
import './theme.css';

const target = document.getElementById('app');
if (!target) throw new Error('no #app element');
const app = new AppState(createApi());
mount(App, { target, props: { app } });
void app.load();

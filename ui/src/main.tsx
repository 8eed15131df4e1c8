import { render } from 'preact';
import { App } from './app.js';
import { startLiveUpdates } from './live.js';
import './styles.css';

startLiveUpdates();
render(<App />, document.getElementById('app')!);

// Boot: styles, session check, render.
import { render } from 'preact';
import './styles.css';
import { checkSession } from './state/session';
import './state/notify';
import { App } from './views/App';

void checkSession();
// The service worker (web/app/public/sw.js): offline start from the cached shell, and Web Push.
if ('serviceWorker' in navigator && import.meta.env.PROD) void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
render(<App />, document.getElementById('app')!);

// Boot: styles, session check, render.
import { render } from 'preact';
import './styles.css';
import { checkSession } from './state/session';
import './state/notify';
import { App } from './views/App';

void checkSession();
// The service worker (web/app/public/sw.js: Web Push and the offline shell) is registered on devices
// that turned push on (Settings › Notifications registers it then); a device that never asked runs
// without one, so nothing caches pages behind an agent's back.
if ('serviceWorker' in navigator && import.meta.env.PROD && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}
render(<App />, document.getElementById('app')!);

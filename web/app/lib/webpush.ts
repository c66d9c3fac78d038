// This browser's Web Push subscription: ask permission, subscribe with the server's VAPID key (the
// service worker, /sw.js, is registered at boot in main.tsx) and hand the subscription to the server.
// Only Settings › Notifications loads this, so it stays out of the initial bundle.
import { api } from './api';

export type PushState = 'unsupported' | 'unconfigured' | 'denied' | 'off' | 'on';

export function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && typeof Notification !== 'undefined';
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const bin = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function registration(): Promise<ServiceWorkerRegistration> {
  return (await navigator.serviceWorker.getRegistration('/')) ?? navigator.serviceWorker.register('/sw.js', { scope: '/' });
}

/** Whether this device already receives push (a subscription the browser holds). */
export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const reg = await navigator.serviceWorker.getRegistration('/');
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  return sub ? 'on' : 'off';
}

/** Asks permission, subscribes and registers the subscription with the server; the resulting state. */
export async function enablePush(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  const { publicKey } = await api<{ publicKey: string | null }>('/push/vapid-public-key');
  if (!publicKey) return 'unconfigured';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  const reg = await registration();
  await navigator.serviceWorker.ready;
  let sub = await reg.pushManager.getSubscription();
  // A subscription made with another server key cannot receive our messages: start over.
  const current = sub?.options.applicationServerKey;
  if (sub && current && btoa(String.fromCharCode(...new Uint8Array(current))) !== btoa(String.fromCharCode(...keyBytes(publicKey)))) {
    await sub.unsubscribe();
    sub = null;
  }
  sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  await api('/me/push-subscriptions', { json: sub.toJSON() });
  return 'on';
}

/** Stops push on this device: the browser's subscription and the server's copy. */
export async function disablePush(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  const reg = await navigator.serviceWorker.getRegistration('/');
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  if (sub) {
    const { items } = await api<{ items: { id: string; endpoint: string }[] }>('/me/push-subscriptions');
    const mine = items.find((i) => i.endpoint === sub.endpoint);
    if (mine) await api(`/me/push-subscriptions/${encodeURIComponent(mine.id)}`, { method: 'DELETE' });
    await sub.unsubscribe();
  }
  return 'off';
}

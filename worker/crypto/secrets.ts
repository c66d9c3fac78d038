// Inbox credentials are encrypted at rest with AES-256-GCM under ENCRYPTION_KEY (from the environment).
import { fromBase64Url, toBase64Url, utf8 } from './bytes';

const keys = new Map<string, Promise<CryptoKey>>();

function keyFrom(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    // Any string works as a key: it is stretched to 256 bits with SHA-256.
    key = crypto.subtle.digest('SHA-256', utf8(secret)).then((raw) => crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']));
    keys.set(secret, key);
  }
  return key;
}

export async function encryptJson(secret: string, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await keyFrom(secret), utf8(JSON.stringify(value)));
  return `v1.${toBase64Url(iv)}.${toBase64Url(cipher)}`;
}

export async function decryptJson<T>(secret: string, sealed: string): Promise<T> {
  const [version, iv, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !body) throw new Error('unknown sealed format');
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64Url(iv) }, await keyFrom(secret), fromBase64Url(body));
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}

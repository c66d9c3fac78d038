// Writes .dev.vars (local secrets and development settings) once, with fresh random secrets, and adds
// Web Push's VAPID key pair to an older .dev.vars that lacks it. wrangler dev reads it; it is
// git-ignored. Safe to run repeatedly.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** A VAPID (RFC 8292) key pair as Web Push wants it: the public key uncompressed (65 bytes), the private key's d, both base64url. */
export function vapidKeyPair() {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const publicKey = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]).toString('base64url');
  return { publicKey, privateKey: jwk.d };
}

function vapidLines() {
  const { publicKey, privateKey } = vapidKeyPair();
  return [`VAPID_PUBLIC_KEY=${publicKey}`, `VAPID_PRIVATE_KEY=${privateKey}`, `VAPID_SUBJECT=mailto:push@localhost.invalid`];
}

export function ensureDevVars(path = '.dev.vars') {
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    if (/^VAPID_PUBLIC_KEY=/m.test(text)) return false;
    appendFileSync(path, `${text.endsWith('\n') || text === '' ? '' : '\n'}${vapidLines().join('\n')}\n`);
    return true;
  }
  const secret = () => randomBytes(32).toString('base64url');
  writeFileSync(path, [`ENVIRONMENT=development`, `SIGNUP=open`, `JWT_SECRET=${secret()}`, `ENCRYPTION_KEY=${secret()}`, ...vapidLines(), ''].join('\n'));
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureDevVars() ? 'wrote .dev.vars' : '.dev.vars exists');

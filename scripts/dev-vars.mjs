// Writes .dev.vars (local secrets and development settings) once, with fresh random secrets.
// wrangler dev reads it; it is git-ignored. Safe to run repeatedly.
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';

export function ensureDevVars(path = '.dev.vars') {
  if (existsSync(path)) return false;
  const secret = () => randomBytes(32).toString('base64url');
  writeFileSync(path, [`ENVIRONMENT=development`, `SIGNUP=open`, `JWT_SECRET=${secret()}`, `ENCRYPTION_KEY=${secret()}`, ''].join('\n'));
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(ensureDevVars() ? 'wrote .dev.vars' : '.dev.vars exists');

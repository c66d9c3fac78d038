// Webhook endpoints as stored: the row, its sealed secrets, and the JSON the API answers with (never a
// secret: that is shown once, on create and on rotate).
import { decryptJson, encryptJson } from '../crypto/secrets';
import type { webhookEndpoints } from '../db/schema';
import type { EndpointSecrets } from './signing';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;

export function sealSecrets(env: Env, secrets: EndpointSecrets): Promise<string> {
  return encryptJson(env.ENCRYPTION_KEY, secrets);
}

export function openSecrets(env: Env, row: Pick<EndpointRow, 'secretsEncrypted'>): Promise<EndpointSecrets> {
  return decryptJson<EndpointSecrets>(env.ENCRYPTION_KEY, row.secretsEncrypted);
}

export async function endpointJson(env: Env, row: EndpointRow, now = Date.now()) {
  const secrets = await openSecrets(env, row);
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince,
    consecutiveFailures: row.consecutiveFailures,
    /** While the previous secret still signs (after a rotation), until when. */
    previousSecretExpiresAt: secrets.previous && secrets.previous.until > now ? secrets.previous.until : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

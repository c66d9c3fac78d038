import { applyD1Migrations, env } from 'cloudflare:test';

// Applies the committed migrations to the test D1 database (idempotent across files).
await applyD1Migrations(env.DB, (env as unknown as { TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] }).TEST_MIGRATIONS);

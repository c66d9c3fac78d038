import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Tests run inside workerd with the real bindings from wrangler.toml (D1, Durable Objects, R2),
// migrations applied by test/setup.ts. Browser end-to-end tests live in test/e2e and run separately.
export default defineConfig(async () => {
  const migrations = await readD1Migrations('./migrations');
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            ENVIRONMENT: 'test',
            SIGNUP: 'open',
            JWT_SECRET: 'test-jwt-secret',
            ENCRYPTION_KEY: 'test-encryption-key',
            // A fixed P-256 key pair for Web Push tests (test/notifications/webpush.test.ts).
            VAPID_PUBLIC_KEY: 'BCY6cuHBjZn3ulf-wcE0nyPkORfVG6j6XV9_8dM5SSLg7NDOg6rYdOW5luZAvGnDcbEaDXRuuiqMPtHtFfTtCnQ',
            VAPID_PRIVATE_KEY: 'PMHRiFbQYh_GOEJ2R_E4ZbXIvoK22PNyB_Bfk9d3Z2w',
            VAPID_SUBJECT: 'mailto:push@parley.test',
            TEST_MIGRATIONS: migrations,
          },
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts'],
      exclude: ['test/e2e/**', 'node_modules/**'],
      setupFiles: ['./test/setup.ts'],
      // Shared 2-core machines: generous per-test time, while every wait inside a test is bounded.
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
});

import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes SQL migrations into migrations/ (committed); wrangler applies them.
// Migrations 0021–0038 were written by hand beside the schema; meta/0038_snapshot.json is the schema
// as of 0038, so a generate shows only what changed since. drizzle-kit numbers its file by the
// journal's length (0022…): rename it to the next free number (0039 onwards) before committing.
export default defineConfig({
  dialect: 'sqlite',
  schema: './worker/db/schema.ts',
  out: './migrations',
});

// Deployability: the Worker bundles exactly as `wrangler deploy` would, offline, with every binding.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

test('npm run deploy -- --dry-run bundles the Worker with its bindings', () => {
  const res = spawnSync(process.execPath, ['scripts/deploy.mjs', '--dry-run', '--skip-build'], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr + res.stdout);
  for (const binding of ['env.CONVERSATIONS (ConversationDO)', 'env.WORKSPACES (WorkspaceDO)', 'env.DB (parley)', 'env.FILES (parley-files)', 'env.ASSETS']) {
    assert.ok(res.stdout.includes(binding), `missing binding ${binding} in:\n${res.stdout}`);
  }
  assert.ok(existsSync('.wrangler/dry-run/index.js'), `no bundle in ${readdirSync('.wrangler/dry-run')}`);
});

test('the production configuration turns AI on: Workers AI and the Vectorize index are bound, wrangler.toml stays token-free', () => {
  const res = spawnSync(process.execPath, ['scripts/deploy.mjs', '--dry-run', '--skip-build'], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr + res.stdout);
  assert.match(res.stdout, /env\.AI\b/, `no AI binding in:\n${res.stdout}`);
  assert.match(res.stdout, /env\.VECTORIZE \(parley-kb\)/, `no Vectorize binding in:\n${res.stdout}`);
  // Local development and the tests read wrangler.toml, which must not ask for an account.
  const local = readFileSync('wrangler.toml', 'utf8');
  assert.doesNotMatch(local, /^\[ai\]|^\[\[vectorize\]\]/m);
});

// The learned sentiment model's weight table (worker/ai/sentiment/model-weights.json) is generated:
// this retrains it from the committed training files and fails if the committed table differs, so a
// change to the features, the trainer or the data cannot ship without its retrained table.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('the committed sentiment model is what the committed training data trains', () => {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/train-sentiment.ts', '--check'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(res.status, 0, res.stderr + res.stdout);
  assert.match(res.stdout, /model-weights\.json is current/);
});

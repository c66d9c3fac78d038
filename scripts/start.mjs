// npm start: build the web assets, start Parley on http://127.0.0.1:8787 with the demo workspace.
import { spawnSync } from 'node:child_process';
import { startServer } from './local-server.mjs';

const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const port = Number(process.env.PORT ?? 8787);
const server = await startServer({ port, seed: true });
const { origin, seed } = server;
console.log(`
  Parley is running at ${origin}
  ${seed.created ? 'Seeded' : 'Using'} the demo workspace "Casa Azul Rentals":
${seed.logins.map((l) => `    ${l.role.padEnd(8)} ${l.email.padEnd(22)} password: ${l.password}`).join('\n')}
  Agent app:     ${origin}/
  Widget demo:   ${origin}/demo   (chat as a visitor; answer in the agent app or through the API)
  API reference: ${origin}/api/docs
`);
const shutdown = () => {
  server.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
server.child.on('exit', (code) => process.exit(code ?? 0));

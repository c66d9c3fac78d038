// The WorkspaceDO takes its workspace from its name (ctx.id.name, given by the runtime for objects
// reached through idFromName), not from its callers' arguments; it keeps the name it saw in storage
// for an alarm that wakes it cold, which the runtime does not give the name.
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { unique } from '../helpers';

describe('WorkspaceDO name', () => {
  it('is the workspace id it was reached by, known from the first call that names no workspace', async () => {
    const workspaceId = unique('ws_');
    const stub = env.WORKSPACES.get(env.WORKSPACES.idFromName(workspaceId));
    expect(await stub.online()).toEqual([]);
    const seen = await runInDurableObject(stub, (_instance, state) => ({
      name: state.id.name,
      stored: state.storage.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'workspace_id'`).toArray()[0]?.value ?? null,
    }));
    expect(seen).toEqual({ name: workspaceId, stored: workspaceId });
  });
});

import { describe, expect, it } from 'vitest';
import { call, newWorkspace } from './helpers';

describe('smoke', () => {
  it('signs up and reads /api/me', async () => {
    const ws = await newWorkspace();
    const me = await call('GET', '/api/me', { token: ws.token });
    expect(me.status).toBe(200);
    expect(me.body.user.role).toBe('manager');
  });
});

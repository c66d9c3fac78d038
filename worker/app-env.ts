// The Hono environment every route sees: bindings plus what the middleware chain attaches.
import type { Principal } from './auth/principal';
import type { WorkspaceScope } from './db/scope';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    principal: Principal;
    scope: WorkspaceScope;
  };
}

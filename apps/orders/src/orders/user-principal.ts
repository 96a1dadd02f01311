import type { Principal } from '@service-trust/auth-guard';
import { UserTokenRequiredError } from './order.errors';

/**
 * The contract's orders routes take *user* tokens. A client_credentials token names the client
 * itself as `sub` (`sub = client_id`); a user token (from login, or exchanged for a user) names the
 * user. Throws 403 `user_token_required` for the former.
 */
export function requireUser(principal: Principal): Principal {
  if (principal.sub === principal.clientId && !principal.actor) throw new UserTokenRequiredError();
  return principal;
}

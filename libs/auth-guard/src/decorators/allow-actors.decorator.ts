import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { checkedList } from './require-scopes.decorator';

/** Metadata key set by {@link AllowActors}. */
export const ALLOWED_ACTORS_KEY = 'service-trust:auth-guard:allowed-actors';

/**
 * For delegated tokens (with an `act` claim, from token exchange): accepts only those whose
 * `act.sub` is listed, i.e. the services allowed to act on behalf of a user here. A token
 * without `act` is its caller acting as itself and is not affected (use {@link AllowCallers}).
 * On a controller and on a method, both lists apply. Otherwise 403 `actor_not_allowed`.
 */
export function AllowActors(...clientIds: [string, ...string[]]): CustomDecorator<string> {
  return SetMetadata(ALLOWED_ACTORS_KEY, checkedList('AllowActors', clientIds));
}

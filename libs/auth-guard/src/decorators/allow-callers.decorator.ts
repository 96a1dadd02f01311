import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { checkedList } from './require-scopes.decorator';

/** Metadata key set by {@link AllowCallers}. */
export const ALLOWED_CALLERS_KEY = 'service-trust:auth-guard:allowed-callers';

/**
 * Accepts only tokens whose `client_id` is listed (the calling service). On a controller and on
 * a method, both lists apply. Otherwise 403 with code `caller_not_allowed`.
 */
export function AllowCallers(...clientIds: [string, ...string[]]): CustomDecorator<string> {
  return SetMetadata(ALLOWED_CALLERS_KEY, checkedList('AllowCallers', clientIds));
}

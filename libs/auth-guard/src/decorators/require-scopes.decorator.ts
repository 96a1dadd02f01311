import { SetMetadata, type CustomDecorator } from '@nestjs/common';

/** Metadata key set by {@link RequireScopes}. */
export const REQUIRED_SCOPES_KEY = 'service-trust:auth-guard:required-scopes';

/**
 * Requires every listed scope in the token's `scope`. On a controller and on a method, both
 * lists apply (the union is required). A missing scope answers 403 `insufficient_scope` with
 * the required scopes in the challenge.
 */
export function RequireScopes(...scopes: [string, ...string[]]): CustomDecorator<string> {
  return SetMetadata(REQUIRED_SCOPES_KEY, checkedList('RequireScopes', scopes, /^[\x21\x23-\x5b\x5d-\x7e]+$/));
}

/** Validates a decorator argument list at decoration time (a misconfiguration fails at load). */
export function checkedList(decorator: string, values: readonly string[], pattern = /^\S+$/): readonly string[] {
  if (values.length === 0) throw new TypeError(`@${decorator}() needs at least one value`);
  for (const value of values) {
    if (typeof value !== 'string' || !pattern.test(value)) throw new TypeError(`@${decorator}(): invalid value ${JSON.stringify(value)}`);
  }
  return Object.freeze([...values]);
}

/** Injection token of the validated {@link ResolvedAuthGuardOptions}. */
export const AUTH_GUARD_OPTIONS = Symbol('AUTH_GUARD_OPTIONS');

/** Injection token of the application's {@link AuthGuardHooks} (`{}` when none were given). */
export const AUTH_GUARD_HOOKS = Symbol('AUTH_GUARD_HOOKS');

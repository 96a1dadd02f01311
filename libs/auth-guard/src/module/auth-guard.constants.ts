/** Injection token of the validated {@link ResolvedAuthGuardOptions}. */
export const AUTH_GUARD_OPTIONS = Symbol('AUTH_GUARD_OPTIONS');

import type { AuthGuardHooks } from '../interfaces/auth-guard-hooks.interface';

/** Runs an application hook; whatever it throws is dropped, so observing never breaks the guard. */
export function callHook<T>(hook: () => T): T | undefined {
  try {
    return hook();
  } catch {
    return undefined;
  }
}

/** The extra outbound headers of `hooks`, names in lower case; `{}` when there are none or it fails. */
export function outboundHeadersOf(hooks: AuthGuardHooks): Record<string, string> {
  const result: Record<string, string> = {};
  if (!hooks.outboundHeaders) return result;
  const headers = callHook(() => hooks.outboundHeaders?.());
  if (!headers || typeof headers !== 'object') return result;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') result[name.toLowerCase()] = value;
  }
  return result;
}

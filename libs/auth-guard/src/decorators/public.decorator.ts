import { SetMetadata, type CustomDecorator } from '@nestjs/common';

/** Metadata key set by {@link Public}. */
export const IS_PUBLIC_KEY = 'service-trust:auth-guard:public';

/**
 * Opts a route (method) or a whole controller (class) out of authentication. Every other route
 * requires a valid access token. All other auth decorators are ignored on a public route.
 */
export const Public = (): CustomDecorator<string> => SetMetadata(IS_PUBLIC_KEY, true);

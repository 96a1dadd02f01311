import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { principalOf } from '../guards/principal.store';
import type { Principal as VerifiedPrincipal } from '../interfaces/principal.interface';

/**
 * Injects the verified {@link Principal} of the request into a handler parameter, on HTTP and
 * RPC routes. On a `@Public()` route it is `undefined`.
 *
 * @example
 * ```ts
 * @Get('me')
 * me(@Principal() principal: Principal) { return { sub: principal.sub }; }
 * ```
 */
export const Principal: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): VerifiedPrincipal | undefined => principalOf(context),
);

/** The verified caller of a request (same as the `Principal` interface). */
export type Principal = VerifiedPrincipal;

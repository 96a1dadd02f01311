import { ForbiddenException, ServiceUnavailableException } from '@nestjs/common';

/**
 * 503 `temporarily_unavailable`: the order could not be saved (before or after reserving). The
 * message says whether a reservation was released now or is left to the reconciler.
 */
export class OrderNotSavedError extends ServiceUnavailableException {
  constructor(message = 'The order could not be saved and its reservation was released; try again shortly.') {
    super({ statusCode: 503, error: 'temporarily_unavailable', message });
  }
}

/** 403: a route for users called with a service's own token (client_credentials: `sub` = `client_id`). */
export class UserTokenRequiredError extends ForbiddenException {
  constructor() {
    super({ statusCode: 403, error: 'user_token_required', message: 'This route acts for a user: a service token (sub = client_id) is not accepted.' });
  }
}

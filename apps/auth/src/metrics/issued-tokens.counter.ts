import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@service-trust/service-kit';
import type { Counter } from 'prom-client';

/**
 * `auth_tokens_issued_total{grant_type}`: access tokens issued, by how they were obtained —
 * `client_credentials`, `urn:ietf:params:oauth:grant-type:token-exchange` (POST /oauth/token),
 * `password` (POST /auth/login) and `refresh_token` (POST /auth/refresh).
 */
@Injectable()
export class IssuedTokensCounter {
  private readonly counter: Counter<'grant_type'>;

  constructor(metrics: ServiceMetrics) {
    this.counter = metrics.counter('auth_tokens_issued_total', 'Access tokens issued, by grant type.', ['grant_type']);
  }

  issued(grantType: string): void {
    this.counter.inc({ grant_type: grantType });
  }
}

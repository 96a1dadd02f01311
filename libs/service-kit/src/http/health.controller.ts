import { Get, Header, ServiceUnavailableException } from '@nestjs/common';

/** One readiness check: resolves true when the dependency it names is usable. */
export type ReadinessChecks = Readonly<Record<string, () => Promise<boolean>>>;

export interface Readiness {
  status: 'ok';
  checks: Record<string, 'up'>;
}

/**
 * `GET /health/live` (the process answers) and `GET /health/ready` (every check passes, else 503
 * naming the ones down). A service subclasses it with its own route prefix and checks, and marks
 * it public for its guard:
 *
 * @example
 * @Public()
 * @Controller('health')
 * export class HealthController extends ServiceHealthController {
 *   constructor(db: Database) { super({ database: () => db.ping().then(() => true) }); }
 * }
 */
export abstract class ServiceHealthController {
  protected constructor(private readonly checks: ReadinessChecks) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(): Promise<Readiness> {
    const names = Object.keys(this.checks);
    const results = await Promise.all(names.map((name) => this.checks[name]().catch(() => false)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i] ? 'up' : 'down'] as const));
    if (results.includes(false)) {
      throw new ServiceUnavailableException({ statusCode: 503, status: 'unavailable', checks });
    }
    return { status: 'ok', checks: checks as Record<string, 'up'> };
  }
}

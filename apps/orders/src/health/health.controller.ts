import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import { Public } from '@service-trust/auth-guard';
import { Database } from '@service-trust/service-kit';

/** Liveness (the process answers) and readiness (the database answers). No token needed. */
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly db: Database) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(): Promise<{ status: 'ok'; checks: { database: 'up' } }> {
    const database = await this.db.ping().then(
      () => true,
      () => false,
    );
    if (!database) {
      throw new ServiceUnavailableException({ statusCode: 503, status: 'unavailable', checks: { database: 'down' } });
    }
    return { status: 'ok', checks: { database: 'up' } };
  }
}

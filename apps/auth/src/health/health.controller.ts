import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import { Database } from '@service-trust/service-kit';
import { KeyService } from '../keys/key.service';

/** Liveness (the process answers) and readiness (the database answers and a key can sign). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly keys: KeyService,
  ) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(): Promise<{ status: 'ok'; checks: Record<string, 'up'> }> {
    const database = await this.db.ping().then(() => true, () => false);
    const keys = await this.keys.isReady().catch(() => false);
    if (!database || !keys) {
      throw new ServiceUnavailableException({
        status: 'unavailable',
        checks: { database: database ? 'up' : 'down', keys: keys ? 'up' : 'down' },
      });
    }
    return { status: 'ok', checks: { database: 'up', keys: 'up' } };
  }
}

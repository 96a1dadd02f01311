import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@service-trust/auth-guard';
import { Database, ServiceHealthController } from '@service-trust/service-kit';

/** `GET /health/live` and `GET /health/ready` (the database answers). No token needed. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController extends ServiceHealthController {
  constructor(db: Database) {
    super({ database: () => db.ping().then(() => true) });
  }
}

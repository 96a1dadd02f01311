import { Controller } from '@nestjs/common';
import { Database, ServiceHealthController } from '@service-trust/service-kit';
import { KeyService } from '../keys/key.service';

/** `GET /health/live` and `GET /health/ready` (the database answers and a key can sign). */
@Controller('health')
export class HealthController extends ServiceHealthController {
  constructor(db: Database, keys: KeyService) {
    super({ database: () => db.ping().then(() => true), keys: () => keys.isReady() });
  }
}

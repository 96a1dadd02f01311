import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Database, ServiceHealthController } from '@service-trust/service-kit';
import { KeyService } from '../keys/key.service';

/** `GET /health/live` and `GET /health/ready` (the database answers and a key can sign). */
@ApiTags('health')
@Controller('health')
export class HealthController extends ServiceHealthController {
  constructor(db: Database, keys: KeyService) {
    super({ database: () => db.ping().then(() => true), keys: () => keys.isReady() });
  }
}

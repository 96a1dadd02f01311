import { Controller, Get } from '@nestjs/common';
import { Principal, RequireScopes } from '@service-trust/auth-guard';

/** The benchmarked route behind the project's guard: every check, including a scope. */
@Controller('bench')
export class ProjectBenchController {
  @Get()
  @RequireScopes('bench:read')
  read(@Principal() principal: Principal): { ok: true; sub: string | null } {
    return { ok: true, sub: principal.sub };
  }
}

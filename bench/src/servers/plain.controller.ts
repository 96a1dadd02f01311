import { Controller, Get, Req } from '@nestjs/common';

/** The benchmarked route for the open app and the reference guards (no project import). */
@Controller('bench')
export class PlainBenchController {
  @Get()
  read(@Req() request: { user?: { sub?: string } }): { ok: true; sub: string | null } {
    return { ok: true, sub: request.user?.sub ?? null };
  }
}

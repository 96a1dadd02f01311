/** The project's guard (`AuthGuardModule`, optionally with its verified-token cache). */
import { Module } from '@nestjs/common';
import { AuthGuardModule } from '@service-trust/auth-guard';
import { ProjectBenchController } from './project.controller';
import { serve } from './serve';

@Module({})
class ProjectBenchModule {}

serve(({ variant, issuer, audience, jwksUri }) => ({
  module: ProjectBenchModule,
  imports: [
    AuthGuardModule.forRoot({
      issuer,
      audience,
      jwksUri,
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      ...(variant === 'project-cache' ? { tokenCache: { maxEntries: 10_000 } } : {}),
    }),
  ],
  controllers: [ProjectBenchController],
}));

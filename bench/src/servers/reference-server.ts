/** The open route and the reference guards: no code of the project is loaded here. */
import { Module, type Provider } from '@nestjs/common';
import { PlainBenchController } from './plain.controller';
import { docsRecipeProviders, minimalGuardProviders } from './reference-guards';
import { serve } from './serve';

@Module({})
class ReferenceBenchModule {}

serve((settings) => {
  let providers: Provider[];
  if (settings.variant === 'open') providers = [];
  else if (settings.variant === 'minimal') providers = minimalGuardProviders(settings);
  else if (settings.variant === 'recipe') providers = docsRecipeProviders(settings);
  else throw new Error(`reference-server does not serve ${settings.variant}`);
  return { module: ReferenceBenchModule, controllers: [PlainBenchController], providers };
});

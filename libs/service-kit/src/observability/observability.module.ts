import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceMetrics } from './service-metrics';

/** Who a service is, for its logs and its API description. */
export interface ServiceIdentity {
  /** Short name, e.g. `orders`: the `service` field of every log line, the OpenAPI title. */
  readonly service: string;
  /** One paragraph for the OpenAPI description (Markdown). */
  readonly description?: string;
  /** API version shown in the OpenAPI document. Default: `1.0`. */
  readonly version?: string;
  /** Adds the HTTP Basic scheme `client` (OAuth `client_secret_basic`) to the OpenAPI document. */
  readonly clientAuthentication?: boolean;
}

/** Injection token of the {@link ServiceIdentity}. */
export const SERVICE_IDENTITY = Symbol('SERVICE_IDENTITY');

/**
 * Tells `createServiceApp` who the service is and which {@link ServiceMetrics} it counts into
 * (global: any provider may inject `ServiceMetrics` to add its own metrics).
 *
 * @example
 * const metrics = new ServiceMetrics();
 * imports: [ObservabilityModule.forRoot({ service: 'inventory', metrics }), ...]
 */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ServiceIdentity & { metrics?: ServiceMetrics }): DynamicModule {
    const { metrics, ...identity } = options;
    return {
      module: ObservabilityModule,
      providers: [
        { provide: SERVICE_IDENTITY, useValue: Object.freeze({ ...identity }) },
        metrics ? { provide: ServiceMetrics, useValue: metrics } : { provide: ServiceMetrics, useFactory: () => new ServiceMetrics() },
      ],
      exports: [SERVICE_IDENTITY, ServiceMetrics],
    };
  }
}

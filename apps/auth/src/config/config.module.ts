import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AUTH_CONFIG, type AuthConfig } from './auth.config';

/** Makes the validated {@link AuthConfig} injectable everywhere as `AUTH_CONFIG`. */
@Global()
@Module({})
export class AuthConfigModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return { module: AuthConfigModule, providers: [{ provide: AUTH_CONFIG, useValue: config }], exports: [AUTH_CONFIG] };
  }
}

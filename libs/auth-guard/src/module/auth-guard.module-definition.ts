import { ConfigurableModuleBuilder, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AuthGuardModuleExtras, AuthGuardModuleOptions } from '../interfaces/auth-guard-module-options.interface';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { AUTH_GUARD_HOOKS } from './auth-guard.constants';

const appGuard: Provider = { provide: APP_GUARD, useExisting: JwtAuthGuard };

export const {
  ConfigurableModuleClass: ConfigurableAuthGuardModule,
  MODULE_OPTIONS_TOKEN: AUTH_GUARD_MODULE_OPTIONS,
  OPTIONS_TYPE: AUTH_GUARD_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_GUARD_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthGuardModuleOptions>({ moduleName: 'AuthGuard' })
  .setClassMethodName('forRoot')
  .setExtras<AuthGuardModuleExtras>({ isGlobal: false, globalGuard: true, hooks: undefined }, (definition: DynamicModule, extras) => ({
    ...definition,
    global: extras.isGlobal === true,
    providers: [
      ...(definition.providers ?? []),
      { provide: AUTH_GUARD_HOOKS, useValue: extras.hooks ?? {} },
      ...(extras.globalGuard === false ? [] : [appGuard]),
    ],
  }))
  .build();

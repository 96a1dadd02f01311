import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Strategy } from 'passport-jwt';
import { probe } from '../e2e/guarded-app.fixture';
import { JwtAuthGuard } from '../guards/jwt-auth.guard';
import { ServiceClients } from '../outbound/service-clients';
import '../passport/jwt-passport.strategy';
import { TestIssuer } from '../testing';
import { AUTH_GUARD_OPTIONS } from './auth-guard.constants';
import { AuthGuardModule } from './auth-guard.module';

@Controller()
class OpenByDefaultController {
  @Get('x')
  x(): string {
    return 'reached';
  }
}

describe('AuthGuardModule', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await TestIssuer.start({ audience: 'inventory' });
  });
  afterAll(() => issuer.stop());

  it('forRoot() validates options when the module is built', () => {
    expect(() => AuthGuardModule.forRoot({ issuer: 'not a url', audience: '' })).toThrow(/issuer: must be an absolute http\(s\) URL[\s\S]*audience: must not be empty/);
  });

  it('forRootAsync() resolves options from a factory, validates them and provides the outbound clients', async () => {
    @Module({
      imports: [
        AuthGuardModule.forRootAsync({
          isGlobal: true,
          useFactory: async () => ({ issuer: issuer.issuer, audience: 'inventory', client: { clientId: 'inventory', clientSecret: 'x' } }),
        }),
      ],
    })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    expect(app.get(AUTH_GUARD_OPTIONS)).toMatchObject({ realm: 'inventory', client: { tokenUrl: `${issuer.issuer}/oauth/token` } });
    expect(app.get(ServiceClients)).toBeInstanceOf(ServiceClients);
    expect(app.get(JwtAuthGuard)).toBeInstanceOf(JwtAuthGuard);
    await app.close();
  });

  it('forRootAsync() fails the start on invalid options', async () => {
    @Module({ imports: [AuthGuardModule.forRootAsync({ useFactory: () => ({ issuer: issuer.issuer, audience: 'inventory', algorithms: ['HS256' as 'RS256'] }) })] })
    class AppModule {}
    await expect(NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false })).rejects.toThrow(/"HS256" is never accepted/);
  });

  it('registers the guard as APP_GUARD by default (deny by default), and not with globalGuard: false', async () => {
    for (const [globalGuard, status] of [[true, 401], [false, 200]] as const) {
      @Module({ imports: [AuthGuardModule.forRoot({ issuer: issuer.issuer, audience: 'inventory', globalGuard })], controllers: [OpenByDefaultController] })
      class AppModule {}
      const app = await NestFactory.create(AppModule, { logger: false });
      await app.listen(0, '127.0.0.1');
      const res = await probe((app.getHttpServer().address() as { port: number }).port, '/x');
      expect(res.status).toBe(status);
      await app.close();
    }
  });

  it('answers 401 within about the JWKS timeout when the key endpoint hangs', async () => {
    const slow = await TestIssuer.start({ audience: 'inventory' });
    slow.setJwksResponder(() => true);
    @Module({ imports: [AuthGuardModule.forRoot({ issuer: slow.issuer, audience: 'inventory', jwksFetchTimeoutMs: 300 })], controllers: [OpenByDefaultController] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    const started = Date.now();
    const res = await probe((app.getHttpServer().address() as { port: number }).port, '/x', { authorization: `Bearer ${await slow.mint()}` });
    expect(res.status).toBe(401);
    expect(res.body['code']).toBe('unknown_key');
    expect(Date.now() - started).toBeLessThan(1000);
    await app.close();
    await slow.stop();
  });

  it('leaves passport-jwt verification of other strategies to jsonwebtoken', (done) => {
    const verifier = (Strategy as unknown as { JwtVerifier: (t: string, k: unknown, o: object, cb: (e: unknown) => void) => void }).JwtVerifier;
    verifier('not-a-jwt', 'some-secret', {}, (error) => {
      expect((error as Error).name).toBe('JsonWebTokenError');
      done();
    });
  });
});

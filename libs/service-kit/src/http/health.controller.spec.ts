import { ServiceUnavailableException } from '@nestjs/common';
import { type ReadinessChecks, ServiceHealthController } from './health.controller';

class ProbeHealth extends ServiceHealthController {
  constructor(checks: ReadinessChecks) {
    super(checks);
  }
}

describe('ServiceHealthController', () => {
  it('is live whatever the checks say', () => {
    expect(new ProbeHealth({ database: async () => false }).live()).toEqual({ status: 'ok' });
  });

  it('is ready when every check passes', async () => {
    await expect(new ProbeHealth({ database: async () => true, keys: async () => true }).ready()).resolves.toEqual({
      status: 'ok',
      checks: { database: 'up', keys: 'up' },
    });
  });

  it('answers 503 naming the checks that are down, a throwing check counting as down', async () => {
    const error = await new ProbeHealth({ database: async () => true, keys: () => Promise.reject(new Error('x')) }).ready().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableException);
    expect((error as ServiceUnavailableException).getResponse()).toEqual({ statusCode: 503, status: 'unavailable', checks: { database: 'up', keys: 'down' } });
  });
});

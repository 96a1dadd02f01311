import { isDatabaseUnavailable } from './service-exceptions.filter';

describe('isDatabaseUnavailable', () => {
  it('recognises the codes and the code-less node-postgres errors of a lost or unreachable database', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '08006']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code }))).toBe(true);
    }
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
      'Client has encountered a connection error and is not queryable',
    ]) {
      expect(isDatabaseUnavailable(new Error(message))).toBe(true);
    }
  });

  it('leaves every other error to the 500 path', () => {
    for (const error of [new Error('boom'), Object.assign(new Error('dup'), { code: '23505' }), null, 'Connection terminated unexpectedly', undefined]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});

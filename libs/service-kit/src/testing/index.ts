export {
  createTestDatabase,
  DEFAULT_TEST_POSTGRES_URL,
  type TestDatabase,
  type TestDatabaseTarget,
} from './create-test-database';
export { startTestApp, request, type TestApp, type TestResponse } from './test-app';
export { startServiceProcess, type ServiceProcess } from './service-process';
export { freePort } from './free-port';

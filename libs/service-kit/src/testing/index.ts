export {
  createTestDatabase,
  DEFAULT_TEST_POSTGRES_URL,
  type TestDatabase,
  type TestDatabaseTarget,
} from './create-test-database';

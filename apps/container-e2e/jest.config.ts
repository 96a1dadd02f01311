export default {
  displayName: 'container-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testTimeout: 60_000,
  // The namespace test owns fixed names (st-*) and addresses: never two files at once.
  maxWorkers: 1,
};

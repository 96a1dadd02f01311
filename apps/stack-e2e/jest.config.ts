export default {
  displayName: 'stack-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testTimeout: 60_000,
  // Each file starts a whole stack; run them one after another on small machines.
  maxWorkers: 1,
};

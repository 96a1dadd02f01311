export default {
  displayName: 'resilience-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testTimeout: 60_000,
  // Each file starts real processes; one file at a time on small machines.
  maxWorkers: 1,
};

export default {
  displayName: 'bench',
  preset: '../jest.preset.js',
  rootDir: '.',
  testTimeout: 120_000,
  maxWorkers: 1,
};

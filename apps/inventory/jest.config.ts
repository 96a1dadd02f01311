export default {
  displayName: 'inventory',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testTimeout: 30_000,
};

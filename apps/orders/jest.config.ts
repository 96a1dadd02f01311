export default {
  displayName: 'orders',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testTimeout: 30_000,
};

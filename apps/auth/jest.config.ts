export default {
  displayName: 'auth',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testTimeout: 30_000,
};

export default {
  displayName: 'auth-guard',
  preset: '../../jest.preset.js',
  rootDir: '.',
};

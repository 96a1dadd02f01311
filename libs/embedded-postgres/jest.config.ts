export default {
  displayName: 'embedded-postgres',
  preset: '../../jest.preset.js',
  rootDir: '.',
};

export default {
  displayName: 'tools',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // The templates under files/ are not tests of this project.
  testPathIgnorePatterns: ['/node_modules/', '/files/', '/k8s-files/'],
  testTimeout: 30_000,
};

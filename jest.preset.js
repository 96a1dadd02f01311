// Shared Jest settings: every project transforms TypeScript with swc (decorator
// metadata on, which NestJS dependency injection needs) and runs in Node.
const { join } = require('node:path');
const { workspaceLibraryMapper } = require('./tools/jest/paths');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2023',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: workspaceLibraryMapper(__dirname),
  testMatch: ['**/?(*.)+(spec|test).ts'],
};

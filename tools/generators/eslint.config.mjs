import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // Generator templates (EJS) are not source files of this project.
    ignores: ['src/**/files/**', 'src/**/k8s-files/**'],
  },
];

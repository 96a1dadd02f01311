import { ESLint } from 'eslint';
import { join } from 'node:path';
import { ROOT } from './stack';

// The workspace's lint really enforces the boundaries on tags (scope:*, type:*): each import
// below is linted as if it stood in the named file, and must be refused.
describe('module boundaries', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const boundaryErrors = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
    return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries');
  };

  it.each([
    ['a library importing an app', 'libs/service-kit/src/probe.ts', "import { AppModule } from '@service-trust/auth';\nexport const x = AppModule;\n"],
    ['a util library importing a feature library', 'libs/service-kit/src/probe.ts', "import { JwtAuthGuard } from '@service-trust/auth-guard';\nexport const x = JwtAuthGuard;\n"],
    ['a shared library importing another scope', 'libs/auth-guard/src/probe.ts', "import { AppModule } from '@service-trust/auth';\nexport const x = AppModule;\n"],
  ])('refuses %s', async (_case, file, code) => {
    expect(await boundaryErrors(file, code)).not.toEqual([]);
  });

  it('accepts an app importing a feature and a util library', async () => {
    const code = "import { JwtAuthGuard } from '@service-trust/auth-guard';\nimport { Database } from '@service-trust/service-kit';\nexport const x = [JwtAuthGuard, Database];\n";
    expect(await boundaryErrors('apps/auth/src/probe.ts', code)).toEqual([]);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { readSecret } from './read-secret';

describe('readSecret', () => {
  it('reads NAME_FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-'));
    writeFileSync(join(dir, 's'), 'from-file\n');
    expect(readSecret('X', { X_FILE: join(dir, 's') })).toBe('from-file');
    const m = await Test.createTestingModule({}).compile();
    expect(m).toBeDefined();
  });
});

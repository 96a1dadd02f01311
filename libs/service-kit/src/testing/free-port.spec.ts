import { createServer } from 'node:net';
import { freePort } from './free-port';

describe('freePort', () => {
  it('gives distinct ports below the ephemeral range that a service can listen on', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    expect(ports.every((port) => port >= 20_000 && port < 32_768)).toBe(true);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[0], '0.0.0.0', resolve));
    await new Promise((resolve) => server.close(resolve));
  });

  it('skips a port that is taken', async () => {
    // another program listens on a port of this process's block (found here without freePort)
    const blockStart = 20_000 + (process.pid % 24) * 500;
    const server = createServer();
    let taken = blockStart + 250;
    for (; ; taken++) {
      const listening = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false)).listen(taken, '0.0.0.0', () => resolve(true));
      });
      if (listening) break;
    }
    try {
      // the scan starts at the taken port: it must be skipped
      const random = jest.spyOn(Math, 'random').mockReturnValueOnce((taken - blockStart) / 500);
      const port = await freePort();
      random.mockRestore();
      expect(port).not.toBe(taken);
      // the scan went on past it, within this process's block
      expect(port).toBeGreaterThan(taken);
      expect(port).toBeLessThan(blockStart + 500);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

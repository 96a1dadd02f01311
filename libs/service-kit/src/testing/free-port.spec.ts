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
    // another program listens on a port of the range (found here without freePort)
    const server = createServer();
    let taken = 31_000;
    for (; ; taken++) {
      const listening = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false)).listen(taken, '0.0.0.0', () => resolve(true));
      });
      if (listening) break;
    }
    try {
      const random = jest.spyOn(Math, 'random');
      // first draw lands on the taken port, the second anywhere else
      random.mockReturnValueOnce((taken - 20_000) / 12_000).mockReturnValueOnce(0.5);
      const port = await freePort();
      expect(port).not.toBe(taken);
      random.mockRestore();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

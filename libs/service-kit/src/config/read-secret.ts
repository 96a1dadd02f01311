import { readFileSync } from 'node:fs';

/**
 * Reads the secret `name` from `NAME_FILE` (a path, as Docker and Kubernetes mount secrets)
 * or else from `NAME` itself. Giving both is an error: the deployer must say which one wins.
 */
export function readSecret(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromFile = env[`${name}_FILE`];
  const direct = env[name];
  if (fromFile !== undefined && direct !== undefined) {
    throw new Error(`Set either ${name} or ${name}_FILE, not both.`);
  }
  if (fromFile !== undefined) {
    return readFileSync(fromFile, 'utf8').trim();
  }
  return direct;
}

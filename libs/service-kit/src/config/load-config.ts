import type { z } from 'zod';
import { readSecret } from './read-secret';

/** A configuration value was missing or wrong; the message names every variable at fault. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates a service's environment once, at start, against a zod schema whose keys are
 * environment variable names. Every name in `secrets` may also be given as `NAME_FILE`.
 * Throws a {@link ConfigError} naming each wrong variable, so a deployer knows what to set.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  options: { env?: NodeJS.ProcessEnv; secrets?: readonly string[] } = {},
): z.infer<S> {
  const env = options.env ?? process.env;
  const input: Record<string, string | undefined> = {};
  const problems: string[] = [];
  for (const key of Object.keys(schema.shape)) {
    try {
      input[key] = options.secrets?.includes(key) ? readSecret(key, env) : env[key];
    } catch (error) {
      problems.push(`${key}: ${(error as Error).message}`);
    }
    if (input[key] === '') input[key] = undefined;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.') || '(config)'}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

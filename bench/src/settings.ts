import type { AdapterName, GuardVariant } from './servers/serve';

export interface Settings {
  readonly smoke: boolean;
  readonly warmupSec: number;
  readonly durationSec: number;
  readonly runs: number;
  readonly connections: number;
  /** Back-to-back pairs of the project's guard and the minimal guard, and seconds per measurement. */
  readonly pairs: number;
  readonly pairSec: number;
  readonly adapters: readonly AdapterName[];
  readonly variants: readonly GuardVariant[];
  /** Seconds per micro-benchmark measurement, and repetitions. */
  readonly microSeconds: number;
  readonly microReps: number;
  /** Fresh user tokens for the cold chain. */
  readonly coldChainRequests: number;
  /** Instructions per request under callgrind: which guards, on which adapter, how many requests. */
  readonly instructions: { readonly adapter: AdapterName; readonly variants: readonly GuardVariant[]; readonly warmupRequests: number; readonly requests: number };
  /** How the stack is started: `npm start` (full run) or its launcher directly (smoke). */
  readonly stackCommand: 'npm' | 'launcher';
}

export const FULL: Settings = {
  smoke: false,
  warmupSec: 3,
  durationSec: 5,
  runs: 5,
  connections: 10,
  pairs: 8,
  pairSec: 3,
  adapters: ['fastify', 'express'],
  variants: ['open', 'minimal', 'project', 'project-cache', 'recipe'],
  microSeconds: 1,
  microReps: 5,
  coldChainRequests: 100,
  instructions: { adapter: 'fastify', variants: ['open', 'minimal', 'project', 'recipe'], warmupRequests: 2000, requests: 2000 },
  stackCommand: 'npm',
};

export const SMOKE: Settings = {
  smoke: true,
  warmupSec: 0.3,
  durationSec: 0.5,
  runs: 1,
  connections: 4,
  pairs: 2,
  pairSec: 0.3,
  adapters: ['fastify', 'express'],
  variants: ['open', 'minimal', 'project', 'project-cache', 'recipe'],
  microSeconds: 0.05,
  microReps: 1,
  coldChainRequests: 3,
  instructions: { adapter: 'fastify', variants: ['project'], warmupRequests: 5, requests: 5 },
  stackCommand: 'launcher',
};

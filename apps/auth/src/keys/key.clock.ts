/**
 * The time the key subsystem lives by, in milliseconds since the epoch. Injected (Nest token:
 * the class itself) so tests can move time across a rotation without sleeping.
 */
export abstract class Clock {
  abstract now(): number;
}

/** The wall clock. */
export class SystemClock extends Clock {
  override now(): number {
    return Date.now();
  }
}

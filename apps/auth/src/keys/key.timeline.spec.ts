import { KeyTimeline } from './key.timeline';

const S = 1000;
const key = (generation: number, activatesAt: number) => ({ kid: `k${generation}`, generation, activatesAt });

describe('KeyTimeline', () => {
  const retention = 1200 * S;
  // k1 active since 0; k2 published at 100 s, activating at 700 s; k3 not there yet.
  const timeline = new KeyTimeline([key(2, 700 * S), key(1, 0)], retention);

  it('signs with the newest activated key; the next one is pending until it activates', () => {
    expect(timeline.signing(100 * S)?.kid).toBe('k1');
    expect(timeline.pending(100 * S)?.kid).toBe('k2');
    expect(timeline.signing(700 * S)?.kid).toBe('k2');
    expect(timeline.pending(700 * S)).toBeUndefined();
  });

  it('retires the previous key when the next activates and removes it after the retention', () => {
    const [k1, k2] = timeline.all();
    expect(timeline.retiresAt(k1)).toBe(700 * S);
    expect(timeline.removedAt(k1)).toBe(1900 * S);
    expect(timeline.retiresAt(k2)).toBeUndefined();
    expect(timeline.published(1899 * S).map((k) => k.kid)).toEqual(['k1', 'k2']);
    expect(timeline.published(1900 * S).map((k) => k.kid)).toEqual(['k2']);
    expect(timeline.forgotten(1900 * S + retention + 1, retention).map((k) => k.kid)).toEqual(['k1']);
  });

  it('falls back to the oldest key when none has activated yet (clock skew)', () => {
    expect(new KeyTimeline([key(1, 50 * S)], retention).signing(0)?.kid).toBe('k1');
    expect(new KeyTimeline([], retention).signing(0)).toBeUndefined();
  });
});

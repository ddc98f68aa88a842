import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LEADER_EPOCH_CHECKPOINT_FILE,
  LeaderEpochFileCache,
  UNDEFINED_EPOCH,
  UNDEFINED_EPOCH_OFFSET,
} from '../../../src/log/leader-epoch-cache.js';

describe('LeaderEpochFileCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-epoch-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const checkpointText = () => readFileSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), 'utf8');

  /** Epochs 1@0, 3@10, 5@20. */
  const populated = () => {
    const cache = LeaderEpochFileCache.open(dir);
    cache.assign(1, 0);
    cache.assign(3, 10);
    cache.assign(5, 20);
    return cache;
  };

  it('starts empty without a file and answers UNDEFINED', () => {
    const cache = LeaderEpochFileCache.open(dir);
    expect(cache.entries()).toEqual([]);
    expect(cache.latestEpoch()).toBe(UNDEFINED_EPOCH);
    expect(cache.latestEntry()).toBeUndefined();
    expect(cache.endOffsetFor(0, 100)).toEqual({ epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET });
  });

  it('persists every assignment in Kafka checkpoint format and reloads it', () => {
    populated();
    expect(checkpointText()).toBe('0\n3\n1 0\n3 10\n5 20\n');
    const reopened = LeaderEpochFileCache.open(dir);
    expect(reopened.entries()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 5, startOffset: 20 },
    ]);
    expect(reopened.earliestEntry()).toEqual({ epoch: 1, startOffset: 0 });
    expect(reopened.latestEntry()).toEqual({ epoch: 5, startOffset: 20 });
    expect(reopened.recoveredFromCorruption).toBe(false);
  });

  it('ignores the same epoch, a lower epoch, and a start offset before the latest', () => {
    const cache = populated();
    expect(cache.assign(5, 25)).toBe(false);
    expect(cache.assign(4, 30)).toBe(false);
    expect(cache.assign(6, 19)).toBe(false);
    expect(cache.latestEntry()).toEqual({ epoch: 5, startOffset: 20 });
    expect(checkpointText()).toBe('0\n3\n1 0\n3 10\n5 20\n');
  });

  it('replaces an entry that covered no offset with a newer epoch at the same start', () => {
    const cache = populated();
    expect(cache.assign(6, 20)).toBe(true);
    expect(cache.entries()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 6, startOffset: 20 },
    ]);
    expect(LeaderEpochFileCache.open(dir).entries()).toEqual(cache.entries());
  });

  it('answers OffsetForLeaderEpoch with Kafka semantics', () => {
    const cache = populated();
    // latest epoch: the log end offset
    expect(cache.endOffsetFor(5, 42)).toEqual({ epoch: 5, endOffset: 42 });
    // a known epoch in the middle: start of the next one
    expect(cache.endOffsetFor(1, 42)).toEqual({ epoch: 1, endOffset: 10 });
    expect(cache.endOffsetFor(3, 42)).toEqual({ epoch: 3, endOffset: 20 });
    // an unknown epoch between known ones: the largest epoch below it, and the next one's start
    expect(cache.endOffsetFor(2, 42)).toEqual({ epoch: 1, endOffset: 10 });
    expect(cache.endOffsetFor(4, 42)).toEqual({ epoch: 3, endOffset: 20 });
    // beyond the latest, or undefined: UNDEFINED
    expect(cache.endOffsetFor(6, 42)).toEqual({ epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET });
    expect(cache.endOffsetFor(UNDEFINED_EPOCH, 42)).toEqual({
      epoch: UNDEFINED_EPOCH,
      endOffset: UNDEFINED_EPOCH_OFFSET,
    });
  });

  it('answers an epoch older than the earliest with the earliest start offset', () => {
    const cache = LeaderEpochFileCache.open(dir);
    cache.assign(4, 100);
    cache.assign(7, 150);
    expect(cache.endOffsetFor(2, 200)).toEqual({ epoch: 2, endOffset: 100 });
  });

  it('finds the epoch of an offset', () => {
    const cache = populated();
    expect(cache.epochForOffset(0)).toBe(1);
    expect(cache.epochForOffset(9)).toBe(1);
    expect(cache.epochForOffset(10)).toBe(3);
    expect(cache.epochForOffset(1000)).toBe(5);
    const late = LeaderEpochFileCache.open(mkdtempSync(join(dir, 'late-')));
    late.assign(2, 50);
    expect(late.epochForOffset(49)).toBeUndefined();
  });

  it('truncates from the end: epochs starting at or after the offset go', () => {
    const cache = populated();
    cache.truncateFromEnd(21);
    expect(cache.latestEpoch()).toBe(5);
    cache.truncateFromEnd(20);
    expect(cache.entries()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
    ]);
    expect(LeaderEpochFileCache.open(dir).entries()).toEqual(cache.entries());
    // after truncation a lower epoch than the removed one may be assigned again
    expect(cache.assign(4, 15)).toBe(true);
    expect(cache.latestEntry()).toEqual({ epoch: 4, startOffset: 15 });
  });

  it('truncates from the start: the covering epoch moves its start up', () => {
    const cache = populated();
    cache.truncateFromStart(0);
    expect(cache.entries()).toHaveLength(3);
    cache.truncateFromStart(15);
    expect(cache.entries()).toEqual([
      { epoch: 3, startOffset: 15 },
      { epoch: 5, startOffset: 20 },
    ]);
    cache.truncateFromStart(20);
    expect(cache.entries()).toEqual([{ epoch: 5, startOffset: 20 }]);
    cache.truncateFromStart(30);
    expect(cache.entries()).toEqual([{ epoch: 5, startOffset: 30 }]);
    expect(LeaderEpochFileCache.open(dir).entries()).toEqual(cache.entries());
  });

  it('clears to an empty persisted cache', () => {
    const cache = populated();
    cache.clear();
    expect(cache.isEmpty()).toBe(true);
    expect(checkpointText()).toBe('0\n0\n');
  });

  it('starts empty and flags a malformed or non-monotonic checkpoint instead of failing', () => {
    writeFileSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), '0\n2\n1 0\ngarbage\n');
    const bad = LeaderEpochFileCache.open(dir);
    expect(bad.isEmpty()).toBe(true);
    expect(bad.recoveredFromCorruption).toBe(true);

    writeFileSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), '0\n2\n3 10\n2 20\n');
    const unordered = LeaderEpochFileCache.open(dir);
    expect(unordered.recoveredFromCorruption).toBe(true);
    unordered.assign(7, 40);
    expect(LeaderEpochFileCache.open(dir).entries()).toEqual([{ epoch: 7, startOffset: 40 }]);
  });

  it('writes an assign without fsync and makes it durable on flush; removals write durably at once', () => {
    const cache = populated();
    expect(cache.hasUnsyncedChanges).toBe(true);
    expect(cache.flush()).toBe(true);
    expect(cache.hasUnsyncedChanges).toBe(false);
    expect(cache.flush()).toBe(false);
    expect(checkpointText()).toBe('0\n3\n1 0\n3 10\n5 20\n');

    cache.assign(7, 30);
    expect(cache.hasUnsyncedChanges).toBe(true);
    cache.truncateFromEnd(30);
    expect(cache.hasUnsyncedChanges).toBe(false);
    expect(checkpointText()).toBe('0\n3\n1 0\n3 10\n5 20\n');
    cache.assign(8, 40);
    cache.truncateFromStart(12);
    expect(cache.hasUnsyncedChanges).toBe(false);
    cache.assign(9, 50);
    cache.clear();
    expect(cache.hasUnsyncedChanges).toBe(false);
    expect(checkpointText()).toBe('0\n0\n');
  });

  it('opens an empty (crash-torn) checkpoint as corrupt, so the loader rebuilds it', () => {
    writeFileSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), '');
    const torn = LeaderEpochFileCache.open(dir);
    expect(torn.isEmpty()).toBe(true);
    expect(torn.recoveredFromCorruption).toBe(true);
    writeFileSync(join(dir, LEADER_EPOCH_CHECKPOINT_FILE), Buffer.alloc(12));
    expect(LeaderEpochFileCache.open(dir).recoveredFromCorruption).toBe(true);
  });
});

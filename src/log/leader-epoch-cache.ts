import { join } from 'node:path';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { isKafkaError } from '../protocol/errors/index.js';
import { CheckpointFile, type CheckpointFormat, parseLongField } from './checkpoint-file.js';

export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
const CHECKPOINT_VERSION = 0;

/** Kafka's answer for an epoch the cache cannot place (OffsetForLeaderEpoch's UNDEFINED_EPOCH/OFFSET). */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

export interface EpochEndOffset {
  readonly epoch: number;
  readonly endOffset: number;
}

const EPOCH_ENTRY_FORMAT: CheckpointFormat<EpochEntry> = {
  toLine: (e) => `${e.epoch} ${e.startOffset}`,
  fromLine: (fields) => {
    if (fields.length !== 2) return undefined;
    const epoch = parseLongField(fields[0]);
    const startOffset = parseLongField(fields[1]);
    if (epoch === undefined || startOffset === undefined || epoch < 0 || startOffset < 0) return undefined;
    return { epoch, startOffset };
  },
};

/**
 * The partition's leader-epoch history: for every leader epoch that wrote to this log, the first offset it
 * wrote. Followers ask the leader for the end of an epoch (OffsetForLeaderEpoch) to find where their log
 * diverged, and the leader answers from here.
 *
 * On disk, `<partition dir>/leader-epoch-checkpoint`, Kafka's text checkpoint (see CheckpointFile):
 *
 *   0                      version
 *   <n>                    entry count
 *   <epoch> <startOffset>  n lines, oldest first
 *
 * Invariants: entries are ordered by epoch and by start offset, both strictly increasing. The memory is
 * authoritative; the file is rewritten whole on every change, and the page cache (so any reader, this
 * process's reopen included) always has the latest state. What differs is when it is fsynced:
 *
 * - `truncateFromEnd`, `truncateFromStart` and `clear` write durably (tmp, fsync, rename, directory fsync)
 *   before they return. They are rare (follower truncation, retention, a follower restarting below the
 *   leader's start) and they remove entries, which recovery could not undo from batch headers alone.
 * - `assign` rewrites the file without fsync (`unsynced` becomes true), so becoming leader or seeing a new
 *   epoch costs no disk wait (Kafka took the epoch checkpoint's fsync off its hot paths too, KAFKA-15046).
 *   `flush()` makes such a write durable; PartitionLog.flush calls it before it writes the recovery point.
 *
 * Crash-safety of the unsynced assign. After a crash the file is (a) the last durable state, (b) one of the
 * unsynced rewrites after it, or (c) empty/zero-filled, which reads as malformed. Since the last durable
 * write only `assign` ran (every other change writes durably), so (a) and (b) are each a prefix of the
 * memory's list, except that an assign may have replaced a last entry that covered no offset. Every assign
 * since the last durable write either came from a batch header during recovery (so recovery derives it
 * again) or has a start offset >= the log end offset at that time >= the durable recovery point, because the log fsyncs this file before it moves the recovery point past any entry, and a
 * truncation, the only way the log end goes down, durably moves the recovery point down with it. The loader re-assigns the epoch of every batch at or
 * past the recovery point from its header, so each missing entry whose batches survived comes back with the
 * same start offset (the first batch of an epoch starts where the epoch started), an entry whose batches were
 * lost in the crash rightly stays gone, and a replaced no-offset entry is replaced again by the same rule.
 * The only entries that cannot come back are epochs that wrote no batch yet (a new leader's entry at its log
 * end): they covered no offset, the broker re-assigns its epoch when it becomes leader again after restart,
 * and a later epoch at the same start replaces them. In case (c) the cache opens empty with
 * `recoveredFromCorruption`, and the loader rebuilds it from every batch header in the log.
 *
 * The partition log serialises all calls (Node's single thread plus the log's own append ordering); nothing
 * here is safe against two logs sharing one directory.
 *
 * `assign` never rewrites history: an epoch at or below the latest, or a start offset before the latest
 * entry's, is ignored. A follower whose log diverged first truncates the log, which calls `truncateFromEnd`,
 * and only then appends the leader's batches, so the cache follows the log instead of guessing.
 */
export class LeaderEpochFileCache {
  private epochs: EpochEntry[];
  private unsynced = false;

  private constructor(
    private readonly checkpoint: CheckpointFile<EpochEntry>,
    entries: EpochEntry[],
    private readonly logger: Logger,
    /** True when the checkpoint on disk was unreadable and the cache started empty: the loader must rebuild. */
    readonly recoveredFromCorruption: boolean,
  ) {
    this.epochs = entries;
  }

  /**
   * Reads `leader-epoch-checkpoint` in the directory (an absent file is an empty cache). A malformed or
   * non-monotonic file does not fail the partition: it is logged, the cache starts empty and
   * `recoveredFromCorruption` is set, so the loader re-assigns epochs from every batch header it has.
   */
  static open(partitionDir: string, logger: Logger = silentLogger): LeaderEpochFileCache {
    const checkpoint = new CheckpointFile(
      join(partitionDir, LEADER_EPOCH_CHECKPOINT_FILE),
      CHECKPOINT_VERSION,
      EPOCH_ENTRY_FORMAT,
    );
    let problem: string | undefined;
    let entries: EpochEntry[] = [];
    try {
      entries = checkpoint.read();
      problem = monotonicityProblem(entries);
    } catch (err) {
      if (!isKafkaError(err, 'KAFKA_STORAGE_ERROR')) throw err;
      problem = err.message;
    }
    if (problem !== undefined) {
      logger.warn({ file: checkpoint.path, problem }, 'unreadable leader-epoch-checkpoint; starting empty');
      return new LeaderEpochFileCache(checkpoint, [], logger, true);
    }
    return new LeaderEpochFileCache(checkpoint, entries, logger, false);
  }

  /** The entries, oldest first (a copy). */
  entries(): EpochEntry[] {
    return this.epochs.slice();
  }

  isEmpty(): boolean {
    return this.epochs.length === 0;
  }

  latestEntry(): EpochEntry | undefined {
    return this.epochs.at(-1);
  }

  earliestEntry(): EpochEntry | undefined {
    return this.epochs[0];
  }

  /** The latest epoch, or UNDEFINED_EPOCH for an empty cache. */
  latestEpoch(): number {
    return this.epochs.at(-1)?.epoch ?? UNDEFINED_EPOCH;
  }

  /**
   * Records that `epoch` starts writing at `startOffset`. The log calls this for every appended batch
   * (cheap: it returns at once unless the epoch is new). Returns whether the cache changed.
   */
  assign(epoch: number, startOffset: number): boolean {
    if (epoch < 0 || startOffset < 0) return false;
    const latest = this.epochs.at(-1);
    if (latest !== undefined) {
      if (epoch <= latest.epoch) {
        if (epoch < latest.epoch)
          this.logger.warn({ epoch, startOffset, latest }, 'ignoring leader epoch lower than the latest');
        return false;
      }
      if (startOffset < latest.startOffset) {
        this.logger.warn({ epoch, startOffset, latest }, 'ignoring leader epoch starting before the latest');
        return false;
      }
    }
    // An entry starting exactly where the new one starts covered no offset: the new epoch replaces it.
    let keep = this.epochs.length;
    while (keep > 0 && this.epochs[keep - 1]!.startOffset >= startOffset) keep--;
    if (keep < this.epochs.length) {
      this.logger.info(
        { epoch, startOffset, removed: this.epochs.slice(keep) },
        'new leader epoch replaces entries that covered no offset',
      );
    }
    this.epochs = [...this.epochs.slice(0, keep), { epoch, startOffset }];
    this.checkpoint.write(this.epochs, false);
    this.unsynced = true;
    return true;
  }

  /**
   * OffsetForLeaderEpoch, as Kafka answers it:
   * - the requested epoch is the latest: (latest, logEndOffset);
   * - some epoch above it is known: (the largest epoch <= requested, start offset of the first epoch above
   *   the requested one); when no epoch <= requested is known (it is older than the log start), the requested
   *   epoch itself is returned with the earliest start offset, so a follower truncates to the leader's start;
   * - otherwise (empty cache, UNDEFINED requested, or an epoch beyond the latest): (-1, -1).
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEndOffset {
    const latest = this.epochs.at(-1);
    if (requestedEpoch === UNDEFINED_EPOCH || latest === undefined || requestedEpoch > latest.epoch) {
      return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    }
    if (requestedEpoch === latest.epoch) return { epoch: requestedEpoch, endOffset: logEndOffset };
    let higher = 0;
    while (this.epochs[higher]!.epoch <= requestedEpoch) higher++;
    const next = this.epochs[higher]!;
    if (higher === 0) return { epoch: requestedEpoch, endOffset: next.startOffset };
    return { epoch: this.epochs[higher - 1]!.epoch, endOffset: next.startOffset };
  }

  /** The epoch that wrote `offset`, or undefined when the offset is before every known epoch. */
  epochForOffset(offset: number): number | undefined {
    let found: number | undefined;
    for (const e of this.epochs) {
      if (e.startOffset > offset) break;
      found = e.epoch;
    }
    return found;
  }

  /** The log was truncated to end at `endOffset` (exclusive): epochs that started at or after it are gone. */
  truncateFromEnd(endOffset: number): void {
    let keep = this.epochs.length;
    while (keep > 0 && this.epochs[keep - 1]!.startOffset >= endOffset) keep--;
    if (keep === this.epochs.length) return;
    this.epochs = this.epochs.slice(0, keep);
    this.writeDurably();
  }

  /**
   * The log start moved to `startOffset`: entries wholly before it go, and the epoch that covers it now
   * starts there (Kafka keeps that epoch so OffsetForLeaderEpoch still answers for it).
   */
  truncateFromStart(startOffset: number): void {
    let firstKept = 0;
    while (firstKept < this.epochs.length && this.epochs[firstKept]!.startOffset <= startOffset) firstKept++;
    if (firstKept === 0) return;
    const covering = this.epochs[firstKept - 1]!;
    if (firstKept === 1 && covering.startOffset === startOffset) return;
    this.epochs = [{ epoch: covering.epoch, startOffset }, ...this.epochs.slice(firstKept)];
    this.writeDurably();
  }

  clear(): void {
    if (this.epochs.length === 0 && !this.recoveredFromCorruption) return;
    this.epochs = [];
    this.writeDurably();
  }

  /** Whether the file holds an assign that is not fsynced yet. */
  get hasUnsyncedChanges(): boolean {
    return this.unsynced;
  }

  /**
   * Makes an unsynced assign durable (the file is rewritten with fsyncs). The log calls this before it moves
   * the recovery point, and on close. Returns whether there was anything to do.
   */
  flush(): boolean {
    if (!this.unsynced) return false;
    this.writeDurably();
    return true;
  }

  private writeDurably(): void {
    this.checkpoint.write(this.epochs);
    this.unsynced = false;
  }
}

function monotonicityProblem(entries: readonly EpochEntry[]): string | undefined {
  for (let i = 1; i < entries.length; i++) {
    const prev = entries[i - 1]!;
    const cur = entries[i]!;
    if (cur.epoch <= prev.epoch || cur.startOffset <= prev.startOffset)
      return `entry ${cur.epoch} ${cur.startOffset} does not follow ${prev.epoch} ${prev.startOffset}`;
  }
  return undefined;
}

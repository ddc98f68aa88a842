import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { KafkaError } from '../../protocol/errors/index.js';
import { Controller, type ControllerDefaults } from './controller.js';
import type { MetadataImage } from './metadata-image.js';
import type { MetadataLog } from './metadata-log.js';
import type { MetadataRecord } from './metadata-records.js';

/** A broker as the quorum sees it: its copy of the metadata log and image, and what to do when records land. */
export interface QuorumMember {
  readonly brokerId: number;
  readonly metadataLog: MetadataLog;
  readonly image: MetadataImage;
  /** False once the broker stopped or crashed: it gets no more records. */
  isAlive(): boolean;
  /** Records were applied to the member's image: act on them (open partitions, lead, follow…). */
  onMetadata(records: readonly MetadataRecord[]): void;
}

export interface ControllerQuorumOptions {
  readonly defaults: ControllerDefaults;
  /** `broker.session.timeout.ms`: a broker without a heartbeat this long is fenced. */
  readonly sessionTimeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `auto.leader.rebalance.enable` with `leader.imbalance.check.interval.seconds` (in ms); 0 disables. */
  readonly leaderRebalanceIntervalMs?: number;
}

interface Membership {
  readonly member: QuorumMember;
  lastHeartbeatMs: number;
}

/**
 * The controller quorum of an embedded cluster — one process, several brokers — standing in for KRaft's Raft
 * quorum. Every broker keeps its own copy of the metadata log in its data directory; the active controller
 * appends to its copy and the quorum copies each batch, byte for byte, to every live broker before the commit
 * returns, so a later controller on any broker has the whole history.
 *
 * Election: when there is no active controller (start, or the controller's broker stopped or missed its
 * session), the live broker with the longest metadata log becomes controller (ties: the lowest id), with an
 * epoch above every epoch in the log. A controller that lost its role is fenced: its commits throw
 * NOT_CONTROLLER. Membership: brokers heartbeat; one silent for `sessionTimeoutMs` is fenced by the controller,
 * which moves leadership off it, and unfenced when it heartbeats again while still running. A returning broker first catches up — truncating a suffix the active
 * controller never had (by controller epoch, as KIP-101 does for partitions) and copying what it missed.
 *
 * Everything runs on the event loop: an election, a commit and its replication never interleave.
 */
export class ControllerQuorum {
  private readonly members = new Map<number, Membership>();
  /** Brokers fenced for a lapsed session while still running; a heartbeat brings them back. */
  private readonly lapsed = new Map<number, QuorumMember>();
  private active: Controller | undefined;
  private activeMember: QuorumMember | undefined;
  private epoch = 0;
  private timer: NodeJS.Timeout | undefined;
  private rebalanceTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ControllerQuorumOptions) {}

  get controllerId(): number {
    return this.active?.brokerId ?? -1;
  }

  get controllerEpoch(): number {
    return this.epoch;
  }

  /** The active controller; NOT_CONTROLLER while there is none (an election is due). */
  controller(): Controller {
    // A crashed controller is noticed as Kafka notices it, when its session expires: until then its commits
    // fail with NOT_CONTROLLER (see isActive) and callers retry.
    if (!this.active) this.maybeElect();
    if (!this.active) throw new KafkaError('NOT_CONTROLLER', 'no controller is active');
    return this.active;
  }

  /**
   * A broker joins (start or restart): its metadata log is brought in line with the active controller's, an
   * election is held if there is no controller, and it then receives every commit.
   */
  join(member: QuorumMember): void {
    this.lapsed.delete(member.brokerId);
    const previous = this.members.get(member.brokerId);
    if (previous && previous.member !== member) this.expirePreviousIncarnation(member.brokerId);
    this.members.set(member.brokerId, { member, lastHeartbeatMs: this.options.clock.monotonicMs() });
    if (this.active && this.activeMember?.isAlive() && this.activeMember !== member) {
      this.catchUp(member, this.activeMember);
    } else {
      this.maybeElect();
    }
    this.ensureTimer();
  }

  /**
   * A broker's heartbeat. One whose session lapsed while it kept running (an event loop stalled past the
   * session timeout fences every broker at once) rejoins: as Kafka's controller unfences a fenced broker that
   * heartbeats again, it catches up and is registered anew, which unfences it and lets it lead and rejoin ISRs.
   */
  heartbeat(brokerId: number): void {
    const now = this.options.clock.monotonicMs();
    const membership = this.members.get(brokerId);
    if (membership) {
      membership.lastHeartbeatMs = now;
      return;
    }
    const lapsed = this.lapsed.get(brokerId);
    if (!lapsed) return;
    this.lapsed.delete(brokerId);
    if (!lapsed.isAlive()) return;
    this.options.logger.info({ broker: brokerId }, 'broker heartbeats again after its session lapsed');
    this.members.set(brokerId, { member: lapsed, lastHeartbeatMs: now });
    this.ensureTimer();
    if (this.active && this.activeMember?.isAlive()) this.catchUp(lapsed, this.activeMember);
    else this.maybeElect();
    const registration = this.active?.image.brokers.get(brokerId);
    if (!registration) return;
    try {
      this.active?.registerBroker(brokerId, registration.host, registration.port, registration.rack);
    } catch (err) {
      this.options.logger.warn(
        { broker: brokerId, err: (err as Error).message },
        'could not re-register broker',
      );
    }
  }

  /**
   * A controlled shutdown: if the broker is the controller, another live broker takes over first; then the
   * controller fences the broker, which moves its leaderships away while it can still serve them.
   */
  leave(brokerId: number): void {
    this.lapsed.delete(brokerId);
    const membership = this.members.get(brokerId);
    if (!membership) return;
    if (this.activeMember?.brokerId === brokerId) {
      this.members.delete(brokerId);
      this.resign();
      this.maybeElect();
      this.members.set(brokerId, membership);
    }
    try {
      this.active?.fenceBroker(brokerId);
    } catch (err) {
      this.options.logger.warn(
        { broker: brokerId, err: (err as Error).message },
        'could not fence leaving broker',
      );
    }
    this.members.delete(brokerId);
    if (this.activeMember?.brokerId === brokerId) this.resign();
    if (this.members.size === 0) this.stopTimer();
  }

  /**
   * A broker restarts while the quorum still holds its previous incarnation, which crashed and whose session has
   * not expired yet: expire it now, as Kafka fences a broker that registers with a new incarnation. Otherwise the
   * restarted broker would keep leading in its old leader epoch with only what it had fsynced, and its followers
   * would truncate acknowledged records to match it. Fencing moves its leaderships to the ISR, in a new epoch.
   */
  private expirePreviousIncarnation(brokerId: number): void {
    this.members.delete(brokerId);
    if (this.activeMember?.brokerId === brokerId) this.resign();
    this.maybeElect();
    this.options.logger.warn({ broker: brokerId }, 'broker restarted within its session: fencing it');
    try {
      this.active?.fenceBroker(brokerId);
    } catch (err) {
      this.options.logger.warn({ broker: brokerId, err: (err as Error).message }, 'could not fence broker');
    }
  }

  /** Stops the session checks (the cluster is going away). */
  close(): void {
    this.lapsed.clear();
    this.stopTimer();
    this.resign();
    this.members.clear();
  }

  /** Checks sessions now (the timer does this periodically). */
  checkSessions(): void {
    const now = this.options.clock.monotonicMs();
    const expired: number[] = [];
    for (const [id, membership] of this.members) {
      // By missed heartbeats only, not by asking the member: a crashed broker is gone from the network, and the
      // controller learns it the way Kafka's does, after `sessionTimeoutMs`.
      if (now - membership.lastHeartbeatMs > this.options.sessionTimeoutMs) {
        expired.push(id);
      }
    }
    if (expired.length === 0) return;
    for (const id of expired) {
      const { member } = this.members.get(id)!;
      this.members.delete(id);
      // Still running, only silent: it may heartbeat again and rejoin (see heartbeat).
      if (member.isAlive()) this.lapsed.set(id, member);
    }
    if (this.activeMember && expired.includes(this.activeMember.brokerId)) this.resign();
    this.maybeElect();
    for (const id of expired) {
      this.options.logger.warn({ broker: id }, 'broker session expired: fencing it');
      try {
        this.active?.fenceBroker(id);
      } catch (err) {
        this.options.logger.warn({ broker: id, err: (err as Error).message }, 'could not fence broker');
      }
    }
  }

  /** Whether `controller` is still the active one; its commits check this (fencing a stale controller). */
  isActive(controller: Controller): boolean {
    return this.active === controller && this.activeMember?.isAlive() === true;
  }

  private maybeElect(): void {
    if (this.active && this.activeMember?.isAlive()) return;
    if (this.active) this.resign();
    const candidates = [...this.members.values()]
      .map((m) => m.member)
      .filter((m) => m.isAlive())
      .sort((a, b) => b.metadataLog.endOffset - a.metadataLog.endOffset || a.brokerId - b.brokerId);
    const winner = candidates[0];
    if (!winner) return;
    this.epoch = Math.max(this.epoch, winner.metadataLog.latestEpoch) + 1;
    const controller = new Controller(
      winner.brokerId,
      winner.metadataLog,
      winner.image,
      this.options.defaults,
      this.options.logger.child({ broker: winner.brokerId }),
      this.epoch,
      (c) => this.isActive(c),
    );
    controller.onCommit((records, batch) => this.replicate(winner, records, batch));
    this.active = controller;
    this.activeMember = winner;
    this.options.logger.info({ controller: winner.brokerId, epoch: this.epoch }, 'controller elected');
    // The others may lack a suffix the new controller has (they were away), or hold one it lacks.
    for (const { member } of this.members.values()) {
      if (member !== winner && member.isAlive()) this.catchUp(member, winner);
    }
  }

  private resign(): void {
    if (this.active) this.options.logger.info({ controller: this.active.brokerId }, 'controller resigned');
    this.active = undefined;
    this.activeMember = undefined;
  }

  /** A commit of the active controller: the controller's own broker acts on it, the others copy and act. */
  private replicate(source: QuorumMember, records: readonly MetadataRecord[], batch: Buffer): void {
    source.onMetadata(records);
    for (const { member } of this.members.values()) {
      if (member === source || !member.isAlive()) continue;
      if (member.metadataLog.endOffset !== source.metadataLog.endOffset - records.length) {
        this.catchUp(member, source);
        continue;
      }
      const first = member.metadataLog.endOffset;
      member.metadataLog.appendReplicated(batch);
      records.forEach((record, i) => {
        member.image.apply(record, first + i);
      });
      member.onMetadata(records);
    }
  }

  /** Brings `member`'s metadata log and image in line with `source`'s. */
  private catchUp(member: QuorumMember, source: QuorumMember): void {
    const log = member.metadataLog;
    const latest = log.latestEpoch;
    let truncated = false;
    if (latest >= 0) {
      const end = Math.min(source.metadataLog.endOffsetForEpoch(latest), log.endOffset);
      if (end >= 0 && end < log.endOffset) {
        log.truncateTo(end);
        truncated = true;
      }
    }
    if (log.endOffset > source.metadataLog.endOffset) {
      log.truncateTo(source.metadataLog.endOffset);
      truncated = true;
    }
    const from = log.endOffset;
    for (const batches of source.metadataLog.readBatches(from)) log.appendReplicated(batches);
    if (truncated) {
      rebuildImage(member.image, log);
    } else {
      for (const { offset, record } of log.replay(from)) member.image.apply(record, offset);
    }
    member.onMetadata([]);
  }

  private ensureTimer(): void {
    if (this.timer) return;
    const interval = Math.max(50, Math.min(250, this.options.sessionTimeoutMs / 4));
    this.timer = setInterval(() => this.checkSessions(), interval);
    this.timer.unref();
    const rebalanceMs = this.options.leaderRebalanceIntervalMs ?? 0;
    if (rebalanceMs > 0) {
      this.rebalanceTimer = setInterval(() => {
        try {
          if (this.active && this.activeMember?.isAlive()) this.active.maybeRebalanceLeaders();
        } catch (err) {
          this.options.logger.warn({ err: (err as Error).message }, 'leader rebalance failed');
        }
      }, rebalanceMs);
      this.rebalanceTimer.unref();
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.rebalanceTimer) clearInterval(this.rebalanceTimer);
    this.timer = undefined;
    this.rebalanceTimer = undefined;
  }
}

/** After a truncation the image cannot be unwound record by record: replay it from the start. */
function rebuildImage(image: MetadataImage, log: MetadataLog): void {
  image.clear();
  for (const { offset, record } of log.replay()) image.apply(record, offset);
}

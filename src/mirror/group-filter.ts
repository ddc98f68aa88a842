import { PatternList } from './pattern-list.js';

/** MM2's `groups` default. */
export const DEFAULT_GROUPS = '.*';
/** MM2's `groups.exclude` default. */
export const DEFAULT_GROUPS_EXCLUDE = 'console-consumer-.*, connect-.*, __.*';

export interface GroupFilterOptions {
  /** @defaultValue DEFAULT_GROUPS */
  readonly groups?: string | readonly string[];
  /** @defaultValue DEFAULT_GROUPS_EXCLUDE */
  readonly groupsExclude?: string | readonly string[];
}

/**
 * Which consumer groups a flow checkpoints — MM2's DefaultGroupFilter: the group id fully matches `groups` and
 * does not fully match `groups.exclude`. Immutable; regex errors surface in the constructor (PatternListError).
 */
export class GroupFilter {
  private readonly include: PatternList;
  private readonly exclude: PatternList;

  constructor(options: GroupFilterOptions = {}) {
    this.include = PatternList.compile(options.groups ?? DEFAULT_GROUPS);
    this.exclude = PatternList.compile(options.groupsExclude ?? DEFAULT_GROUPS_EXCLUDE);
  }

  shouldReplicateGroup(group: string): boolean {
    return this.include.matches(group) && !this.exclude.matches(group);
  }
}

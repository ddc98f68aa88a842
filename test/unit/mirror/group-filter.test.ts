import { describe, expect, it } from 'vitest';
import { GroupFilter } from '../../../src/mirror/group-filter.js';

describe('GroupFilter', () => {
  it("applies MM2's defaults", () => {
    const f = new GroupFilter();
    expect(f.shouldReplicateGroup('billing')).toBe(true);
    for (const g of ['console-consumer-123', 'connect-mm2', '__internal']) {
      expect(f.shouldReplicateGroup(g), g).toBe(false);
    }
  });
  it('applies groups and groups.exclude as full matches', () => {
    const f = new GroupFilter({ groups: 'app-.*', groupsExclude: 'app-test' });
    expect(f.shouldReplicateGroup('app-billing')).toBe(true);
    expect(f.shouldReplicateGroup('app-test')).toBe(false);
    expect(f.shouldReplicateGroup('my-app-billing')).toBe(false);
    expect(new GroupFilter({ groups: '' }).shouldReplicateGroup('anything')).toBe(false);
  });
});

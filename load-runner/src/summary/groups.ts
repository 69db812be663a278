// The group tree of the summary (root_group): groups by path, each with its checks' passes and fails.
import { createHash } from 'node:crypto';

export interface CheckNode {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

export interface GroupNode {
  name: string;
  path: string;
  id: string;
  groups: GroupNode[];
  checks: CheckNode[];
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

export class GroupTree {
  readonly root: GroupNode = { name: '', path: '', id: md5(''), groups: [], checks: [] };
  private readonly groups = new Map<string, GroupNode>([['', this.root]]);
  private readonly checks = new Map<string, CheckNode>();

  /** The group at `path` ("" or "::a::b"), created with its parents on first use. */
  group(path: string): GroupNode {
    const existing = this.groups.get(path);
    if (existing) return existing;
    const cut = path.lastIndexOf('::');
    const parent = this.group(path.slice(0, cut));
    const node: GroupNode = { name: path.slice(cut + 2), path, id: md5(path), groups: [], checks: [] };
    parent.groups.push(node);
    this.groups.set(path, node);
    return node;
  }

  check(groupPath: string, name: string): CheckNode {
    const path = `${groupPath}::${name}`;
    let node = this.checks.get(path);
    if (!node) {
      node = { name, path, id: md5(path), passes: 0, fails: 0 };
      this.checks.set(path, node);
      this.group(groupPath).checks.push(node);
    }
    return node;
  }
}

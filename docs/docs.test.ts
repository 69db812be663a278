// The design documents are part of the repository: every mention of one in the code, the READMEs and the
// config files names a file a clone has, every relative link in docs/ opens a file that exists, and every
// `#anchor` (and every quoted section, `docs/X.md, "The run folder"`) names a section the document has.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const docsDir = join(root, 'docs');
const self = fileURLToPath(import.meta.url);
// Generated or installed trees, and run output: not the project's words.
const skipDirs = new Set(['node_modules', 'runs', '.git', 'coverage', '.pglite-data']);
const scanned = /\.(ts|md|ya?ml)$/;
const DESIGN_DOCS = ['ARCHITECTURE', 'DOMAIN', 'DEFECTS', 'K6-COMPAT', 'STYLE'];

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skipDirs.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, keep);
    return keep(entry.name) ? [path] : [];
  });
}

const inRepo = (path: string) => path === root.replace(/[/\\]$/, '') || path.startsWith(root);
const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/** A mention of a design document: the path written before the name, an anchor, a quoted section. */
interface DesignReference {
  path: string;
  anchor: string | null;
  section: string | null;
  /** True inside a Markdown link target `](...)`, which a reader's viewer resolves from the file. */
  linked: boolean;
}

// path, name, #anchor, then a section: `, "The run folder"` or `, Outputs)` (capitalised, closing paren).
const REFERENCE = new RegExp(
  `([\\w./~-]*?)\\b(?:${DESIGN_DOCS.join('|')})\\.md(#[\\w-]+)?(?:\\)?,\\s*(?:"([^"\\n]+)"|([A-Z][A-Za-z -]*)(?=\\))))?`,
  'g',
);

function designReferences(text: string): DesignReference[] {
  const found: DesignReference[] = [];
  for (const m of text.matchAll(REFERENCE)) {
    const whole = m[0];
    const path = whole.slice(0, whole.indexOf('.md') + 3);
    const before = text.slice(0, m.index);
    found.push({
      path,
      anchor: m[2] === undefined ? null : m[2].slice(1),
      section: m[3] ?? m[4] ?? null,
      linked: /\]\($/.test(before),
    });
  }
  return found;
}

/**
 * Where a mention points, or null. A path with a folder is read from the file's folder or from the
 * repository root (comments name files root-relative, as `target-api/api/src/app.ts`); a bare name only
 * from the file's own folder, so `DEFECTS.md` in a comment is unresolved while docs/ link to siblings.
 * A Markdown link resolves from its file only, as a viewer opens it.
 */
function resolveReference(ref: DesignReference, fromFile: string): string | null {
  if (/^[a-z]+:/i.test(ref.path) || ref.path.startsWith('/') || ref.path.startsWith('~')) return null;
  const candidates = [resolve(dirname(fromFile), ref.path)];
  if (ref.path.includes('/') && !ref.linked) candidates.push(resolve(root, ref.path));
  return candidates.find((path) => inRepo(path) && isFile(path)) ?? null;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): { anchors: Set<string>; titles: string[] } {
  const anchors = new Set<string>();
  const titles: string[] = [];
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
  for (const m of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const title = (m[1] ?? '').replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    titles.push(title);
    const slug = title
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return { anchors, titles };
}

/** The header cells of every table: comments also cite a column, e.g. DEFECTS.md, "what reveals it". */
function tableHeaders(markdown: string): string[] {
  const lines = markdown.split('\n');
  return lines.flatMap((line, i) =>
    /^\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(lines[i + 1] ?? '') ? line.split('|').map((c) => c.trim()) : [],
  );
}

function hasSection(markdown: string, section: string): boolean {
  const wanted = section.trim().toLowerCase();
  const { titles } = headingAnchors(markdown);
  // A heading that contains the cited words counts: "the world misbehaving" names "Environment faults: the
  // world misbehaving".
  return [...titles, ...tableHeaders(markdown)].some((t) => t.trim().toLowerCase().includes(wanted));
}

const relativeName = (path: string) => relative(root, path).split(sep).join('/');

describe('references to the design documents', () => {
  const files = filesUnder(root, (name) => scanned.test(name)).filter((file) => file !== self);

  it('finds the mentions it is meant to check (the scan itself works)', () => {
    const refs = designReferences(
      'see ../../shared/design/K6-COMPAT.md; DEFECTS.md; [d](docs/DOMAIN.md#journey) (docs/ARCHITECTURE.md, "The run folder") (docs/K6-COMPAT.md, Outputs)',
    );
    expect(refs.map((r) => [r.path, r.anchor, r.section, r.linked])).toEqual([
      ['../../shared/design/K6-COMPAT.md', null, null, false],
      ['DEFECTS.md', null, null, false],
      ['docs/DOMAIN.md', 'journey', null, true],
      ['docs/ARCHITECTURE.md', null, 'The run folder', false],
      ['docs/K6-COMPAT.md', null, 'Outputs', false],
    ]);
    const fromCode = join(root, 'target-api', 'api', 'src', 'app.ts');
    expect(
      resolveReference({ path: 'DEFECTS.md', anchor: null, section: null, linked: false }, fromCode),
    ).toBe(null);
    expect(
      resolveReference(
        { path: '../../shared/design/K6-COMPAT.md', anchor: null, section: null, linked: false },
        join(root, 'load-runner', 'README.md'),
      ),
    ).toBe(null);
    expect(files.length).toBeGreaterThan(50);
  });

  it('every mention in *.ts, *.md and *.yml names a file inside the repository', () => {
    const unresolved: string[] = [];
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const ref of designReferences(line)) {
          if (resolveReference(ref, file) === null) {
            unresolved.push(`${relativeName(file)}:${i + 1}: ${ref.path}`);
          }
        }
      });
    }
    expect(unresolved).toEqual([]);
  });

  it('every #anchor and quoted section after a mention names a heading (or table column) of that document', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const ref of designReferences(line)) {
          const target = resolveReference(ref, file);
          if (target === null) continue; // reported by the test above
          const markdown = readFileSync(target, 'utf8');
          if (ref.anchor !== null && !headingAnchors(markdown).anchors.has(ref.anchor)) {
            wrong.push(`${relativeName(file)}:${i + 1}: ${ref.path}#${ref.anchor}`);
          }
          if (ref.section !== null && !hasSection(markdown, ref.section)) {
            wrong.push(`${relativeName(file)}:${i + 1}: ${ref.path}, "${ref.section}"`);
          }
        }
      });
    }
    expect(wrong).toEqual([]);
  });
});

describe('the documents in docs/', () => {
  const docs = filesUnder(docsDir, (name) => name.endsWith('.md'));

  it('has the five design documents and an index that links each', () => {
    const names = docs.map((file) => relativeName(file)).sort();
    expect(names).toEqual(['docs/README.md', ...DESIGN_DOCS.map((name) => `docs/${name}.md`)].sort());
    const index = readFileSync(join(docsDir, 'README.md'), 'utf8');
    for (const name of DESIGN_DOCS) expect(index).toContain(`](${name}.md)`);
  });

  it('every relative link opens a file or folder of the repository, and every #anchor a heading', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const file of docs) {
      const markdown = readFileSync(file, 'utf8').replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
      for (const m of markdown.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1] ?? '';
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: are not the repository's
        checked++;
        const [pathPart = '', anchor] = target.split('#');
        const path = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
        if (!inRepo(path) || !existsSync(path)) {
          wrong.push(`${relativeName(file)}: ${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined) {
          if (!path.endsWith('.md')) {
            wrong.push(`${relativeName(file)}: ${target} (an anchor into a file that is not Markdown)`);
          } else if (!headingAnchors(readFileSync(path, 'utf8')).anchors.has(anchor)) {
            wrong.push(`${relativeName(file)}: ${target} (no heading with that anchor)`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
  });

  it('computes anchors as GitHub does (the check above relies on it)', () => {
    const { anchors } = headingAnchors(
      '# Paspor Lab: architecture\n## The run folder (the contract)\n```\n# not a heading\n```\n## Notes\n## Notes\n## `k6/http` and `k6`\n',
    );
    expect([...anchors]).toEqual([
      'paspor-lab-architecture',
      'the-run-folder-the-contract',
      'notes',
      'notes-1',
      'k6http-and-k6',
    ]);
  });

  it('every Mermaid block opens with a diagram type and ARCHITECTURE.md has the run sequence', () => {
    const architecture = readFileSync(join(docsDir, 'ARCHITECTURE.md'), 'utf8');
    const blocks = [...architecture.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      expect(block.trimStart()).toMatch(/^(sequenceDiagram|flowchart|graph|stateDiagram-v2)\b/);
    }
    expect(blocks.some((b) => b.trimStart().startsWith('sequenceDiagram'))).toBe(true);
  });
});

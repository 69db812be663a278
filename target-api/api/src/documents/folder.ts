// Where the document store keeps the files: a folder (the lab's stand-in for the object storage of the
// field), one file per content, named by its SHA-256, written by libuv's threads. The database keeps only
// what names them (documents/store.ts), so a scan never passes through the booking database's one
// connection on PGlite (a 100 KiB bytea insert there took 25 ms, during which no booking could run).
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DocumentFolder {
  readonly path: string;
  /** Stores `content` under its digest; a content already there is not written again. */
  write(sha256: string, content: Buffer): Promise<void>;
  read(sha256: string): Promise<Buffer>;
  /** Removes the folder if it was made for this process (DOCUMENT_DIR unset). */
  close(): Promise<void>;
}

/** Opens `dir` (made if missing), or a new folder under the system temp folder when it is unset. */
export async function openDocumentFolder(dir: string | undefined): Promise<DocumentFolder> {
  const owned = !dir;
  const path = dir ? dir : await mkdtemp(join(tmpdir(), 'paspor-lab-documents-'));
  if (dir) await mkdir(dir, { recursive: true });
  const fileOf = (sha256: string) => join(path, sha256.slice(0, 2), sha256);
  let closed = false;
  return {
    path,
    async write(sha256, content) {
      // A hung upload's late write, after the API stopped, must not make the folder again.
      if (closed) throw new Error('the document folder is closed');
      const file = fileOf(sha256);
      if (await exists(file)) return;
      await mkdir(join(path, sha256.slice(0, 2)), { recursive: true });
      // Written aside and renamed: a reader (or a crash) never sees half a file under the digest.
      const part = `${file}.${randomUUID()}.part`;
      await writeFile(part, content);
      await rename(part, file);
    },
    read: (sha256) => readFile(fileOf(sha256)),
    async close() {
      closed = true;
      if (owned) await rm(path, { recursive: true, force: true });
    },
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

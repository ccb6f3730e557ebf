/**
 * Files from a drop. Electron gives folders as File objects whose paths the preload can read, so
 * they pass as they are; a plain browser cannot read a folder's path, so folders are walked with
 * the entries API and each file keeps its path inside the folder (`relativePath`) for the upload.
 */

type WithRelativePath = File & { relativePath?: string };

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: File[], recursive: boolean, depth: number): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    (file as WithRelativePath).relativePath = entry.fullPath.replace(/^\//, '');
    out.push(file);
  } else if (entry.isDirectory && (depth === 0 || recursive)) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
      for (const child of batch) await walk(child, out, recursive, depth + 1);
    }
  }
}

export async function droppedFiles(
  data: DataTransfer,
  hasPaths: boolean,
  recursive: boolean,
): Promise<File[]> {
  if (hasPaths) return [...data.files];
  const entries = [...data.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry())
    .filter((entry): entry is FileSystemEntry => entry !== null);
  if (entries.length === 0) return [...data.files];
  const files: File[] = [];
  for (const entry of entries) await walk(entry, files, recursive, 0);
  return files;
}

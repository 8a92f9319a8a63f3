/** How much of a body has been read: its bytes, and its line breaks (a CSV's rows, nearly). */
export interface ReadProgress {
  bytes: number;
  lines: number;
}

const NEWLINE = 0x0a;

/**
 * A response's body read whole, telling `onProgress` after each chunk: a large export took a
 * minute with nothing said but "Exporting…" (940,712 contacts, 71 MB, 52 s; console audit at
 * 940,000 contacts). Stopped by the response's own signal (an AbortController's abort rejects it).
 */
export async function readWithProgress(res: Response, onProgress: (progress: ReadProgress) => void): Promise<Blob> {
  if (!res.body) return res.blob();
  const reader = res.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const progress: ReadProgress = { bytes: 0, lines: 0 };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // A fetched body's chunks are never on shared memory.
    chunks.push(value as Uint8Array<ArrayBuffer>);
    progress.bytes += value.length;
    for (let i = 0; i < value.length; i++) if (value[i] === NEWLINE) progress.lines++;
    onProgress({ ...progress });
  }
  return new Blob(chunks, { type: res.headers.get('content-type') ?? undefined });
}

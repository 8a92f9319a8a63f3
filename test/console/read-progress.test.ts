import { readWithProgress, type ReadProgress } from '../../console/src/api/read-progress';

describe("an export's body read with its progress", () => {
  it('when the body comes in chunks, then each chunk tells the bytes and line breaks so far, and the whole body is kept', async () => {
    const text = 'id,name\n1,Ana\n2,"Bea\nBis"\n3,Cleo\n';
    const chunks = ['id,na', 'me\n1,Ana\n2,"B', 'ea\nBis"\n3,Cleo\n'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const seen: ReadProgress[] = [];
    const blob = await readWithProgress(new Response(body, { headers: { 'content-type': 'text/csv' } }), (p) => seen.push(p));
    expect(seen).toEqual([
      { bytes: 5, lines: 0 },
      { bytes: 18, lines: 2 },
      { bytes: text.length, lines: 5 },
    ]);
    expect(await blob.text()).toBe(text);
    expect(blob.type).toBe('text/csv');
  });
});

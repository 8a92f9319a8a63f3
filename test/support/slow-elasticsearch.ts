import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowElasticsearch {
  url: string;
  /** Holds every search (`_search`, `_msearch`) this long before passing it on; 0 passes at once. */
  setSearchDelay(ms: number): void;
  close(): Promise<void>;
}

/**
 * A pass-through proxy in front of the real Elasticsearch that can hold searches back: a search
 * that takes too long, on demand, with everything else (index creation, refresh) untouched. Not a
 * stand-in: every request still reaches and is answered by Elasticsearch.
 */
export async function startSlowElasticsearch(target: string): Promise<SlowElasticsearch> {
  let delayMs = 0;
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (chunk: Buffer) => body.push(chunk));
    req.on('end', () => {
      const forward = () => {
        const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.on('error', () => res.destroy());
        upstream.end(Buffer.concat(body));
      };
      if (!delayMs || !/\/_m?search\b/.test(req.url ?? '')) return forward();
      const timer = setTimeout(forward, delayMs);
      // The client gave up: nothing to forward any more.
      res.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setSearchDelay: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

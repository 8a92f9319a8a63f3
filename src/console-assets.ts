import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { useConsolePolicy } from './shared/security-headers';

/**
 * The console's built assets at /app (a single-page app: any /app path that is not a file
 * answers its index.html), and / redirecting there. Middleware, not declared routes: these are
 * not part of the API, so the API document does not list them.
 */
export function consoleAssetsRouter(dir: string): Router {
  const router = Router();
  const index = path.join(dir, 'index.html');
  router.use((req, res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path === '/') res.redirect(302, '/app/');
    else next();
  });
  router.use('/app', (_req, res, next) => {
    useConsolePolicy(res);
    next();
  });
  // Hashed file names (Vite) may be cached for good; index.html must be asked for every time.
  router.use('/app', express.static(dir, { index: false, immutable: true, maxAge: '1y' }));
  router.use('/app', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // A built file that is not there (an old hashed name after a deploy) is a 404, not the page:
    // a script tag given HTML fails without a word, and the miss counted as a 200.
    if (req.path.startsWith('/assets/')) return next();
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The console is not built: run npm run build:console');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}

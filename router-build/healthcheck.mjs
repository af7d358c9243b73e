// The image's HEALTHCHECK: exit 0 when the controller's GET /healthz on HTTP_PORT answers 2xx,
// else 1. Plain Node (the image has no curl); it never downloads anything.
import console from 'node:console';
import process from 'node:process';
/* global fetch, AbortSignal -- Node 18+ globals */

const port = process.env.HTTP_PORT ?? '9191';
const timeoutMs = 4000;

if (port === '0') {
  // An ephemeral port cannot be probed from outside the process: nothing to check.
  console.log('healthcheck: HTTP_PORT=0, skipped');
} else {
  const url = `http://127.0.0.1:${port}/healthz`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.text()).trim();
    if (!res.ok) {
      console.error(`healthcheck: ${url} answered ${res.status}: ${body}`);
      process.exitCode = 1;
    }
  } catch (error) {
    console.error(`healthcheck: ${url}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

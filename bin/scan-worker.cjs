// A scan's worker thread (src/cli/scan/worker.ts), started by the scan with this file as its script: dist/scan-worker.cjs
// compiled from its code cache, as the command's own bundle is. A worker boots a fresh isolate, and parsing and
// compiling the analysis again in each one cost ~7% of a 100-message scan.
'use strict';
require('./load-bundle.cjs').loadBundle('scan-worker.cjs');

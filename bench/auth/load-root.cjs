// The package root, for comparison (loads lib/bimi and undici; crashes on Node 20).
require('mailauth');

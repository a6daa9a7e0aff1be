// Baseline: Node itself.

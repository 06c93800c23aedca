// Set up before every unit test file (vite.config.ts, setupFiles).
import { configure } from "@testing-library/react";

// findBy… and waitFor wait on a condition, not a speed: their default
// bound of one second failed a test whose lazily loaded menu took longer
// to import beside the Go tests on two cores (a clean-clone run). The
// bound is against a condition that never comes, like testTimeout.
configure({ asyncUtilTimeout: 15_000 });

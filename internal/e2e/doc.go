// Package e2e holds the end-to-end suites: tests that run the real terraform binary as a user does, one process per
// command (acctest.NewCLI, on internal/tfdriver), against the provider served as a plugin process by the test binary
// and an in-process Codat sandbox. They cover what the in-process resource tests beside each resource
// (terraform-plugin-testing's resource.Test, in internal/provider) cannot: faults on every request, interrupts
// (Ctrl-C) at chosen points, rate limits, concurrency and pacing, wrong base URLs, secrets in saved plans and logs,
// the examples and the guides, and what a refresh or an apply costs in API calls.
//
// The package has only tests; make test runs them with TF_ACC=1.
package e2e

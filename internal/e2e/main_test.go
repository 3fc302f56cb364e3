package e2e_test

import (
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

// TestMain runs the suites, or serves the provider when terraform started the test binary as its plugin
// (acctest.NewCLI).
func TestMain(m *testing.M) {
	acctest.Main(m)
}

package acctest

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Test runs a terraform-plugin-testing case with the provider served in the test process (resource.Test). It fills
// in what every case of this repository shares: PreCheck and the provider factories, unless the case sets its own.
func Test(t *testing.T, c resource.TestCase) {
	t.Helper()
	resource.Test(t, withDefaults(t, c))
}

// UnitTest is Test for a case that resource.UnitTest runs: one that needs no sandbox objects.
func UnitTest(t *testing.T, c resource.TestCase) {
	t.Helper()
	resource.UnitTest(t, withDefaults(t, c))
}

func withDefaults(t *testing.T, c resource.TestCase) resource.TestCase {
	if c.PreCheck == nil {
		c.PreCheck = func() { PreCheck(t) }
	}
	if c.ProtoV6ProviderFactories == nil {
		c.ProtoV6ProviderFactories = ProtoV6ProviderFactories()
	}
	return c
}

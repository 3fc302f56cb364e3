package provider_test

import (
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

func TestMain(m *testing.M) {
	// Started by terraform as the provider plugin (see terraform_cli_test.go).
	if serveProviderIfAsked() {
		return
	}
	acctest.Main(m)
}

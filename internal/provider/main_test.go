package provider_test

import (
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

func TestMain(m *testing.M) {
	acctest.Main(m)
}

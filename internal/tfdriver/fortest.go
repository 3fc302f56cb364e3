package tfdriver

import (
	"os"
	"testing"
)

// TerraformForTest is the terraform binary for a test that runs it (the bench's, the demo's, the guides'). Like the
// acceptance tests, such a test runs only when TF_ACC is set (make test sets it) and is skipped otherwise; it fails
// when FindTerraform finds no terraform.
func TerraformForTest(t testing.TB) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("runs terraform: set TF_ACC=1 (make test does)")
	}
	tf, err := FindTerraform()
	if err != nil {
		t.Fatal(err)
	}
	return tf
}

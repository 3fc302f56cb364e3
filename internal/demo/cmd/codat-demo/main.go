// Command codat-demo is make demo: the quickstart applied against an embedded Codat sandbox (see package demo). Run
// it from the repository root. DEMO_PAUSE=1 keeps the sandbox running after the first apply until Enter.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/terraform-codat/terraform-provider-codat/internal/cmdmain"
	"github.com/terraform-codat/terraform-provider-codat/internal/demo"
	"github.com/terraform-codat/terraform-provider-codat/internal/tfdriver"
)

func main() {
	cmdmain.Run("codat-demo", run)
}

func run(ctx context.Context) error {
	if _, err := os.Stat("examples/quickstart/main.tf"); err != nil {
		return fmt.Errorf("run the demo from the repository root (make demo): %w", err)
	}
	terraform, err := tfdriver.FindTerraform()
	if err != nil {
		return err
	}
	return demo.Run(ctx, demo.Options{
		RepoDir:   ".",
		Terraform: terraform,
		Out:       os.Stdout,
		Pause:     os.Getenv("DEMO_PAUSE") == "1",
		In:        os.Stdin,
	})
}

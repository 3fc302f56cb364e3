package provider_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/terraform-codat/terraform-provider-codat/internal/acctest"
)

var (
	buildOnce   sync.Once
	pluginDir   string
	buildOutput []byte
	buildErr    error
)

// devOverrideConfig builds the provider once per test binary and returns a Terraform CLI configuration that
// uses it through dev_overrides, so terraform runs offline without `terraform init`.
func devOverrideConfig(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		pluginDir = filepath.Join(acctest.RunDir(), "plugins")
		cmd := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-codat"), "../..")
		buildOutput, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("building the provider: %v\n%s", buildErr, buildOutput)
	}
	cfg := filepath.Join(t.TempDir(), "terraformrc")
	body := "provider_installation {\n  dev_overrides {\n    \"terraform-codat/codat\" = \"" + pluginDir + "\"\n  }\n  direct {}\n}\ndisable_checkpoint = true\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Every example folder is terraform fmt-clean and passes terraform validate against the built provider, import
// blocks and the quickstart (with its local module) included.
func TestExamplesValidate(t *testing.T) {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		t.Skip("set TF_ACC_TERRAFORM_PATH or TF_ACC=1 (make test does) to validate the examples with terraform")
	}
	var dirs []string
	err := filepath.WalkDir("../../examples", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tf") && !slices.Contains(dirs, filepath.Dir(path)) {
			dirs = append(dirs, filepath.Dir(path))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 11 {
		t.Fatalf("found only %d example folders: %v", len(dirs), dirs)
	}
	cliConfig := devOverrideConfig(t)
	for _, dir := range dirs {
		rel, _ := filepath.Rel("../../examples", dir)
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			// The folder with its subfolders (the quickstart's local module), as .tf files.
			files := map[string]string{}
			err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tf") {
					files[path], _ = filepath.Rel(dir, path)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// Resource and data-source examples leave the provider set-up to examples/provider, as the docs show.
			if !strings.HasPrefix(rel, "provider") && !strings.HasPrefix(rel, "quickstart") {
				files["../../examples/provider/provider.tf"] = "provider.tf"
			}
			for from, to := range files {
				b, err := os.ReadFile(from)
				if err != nil {
					t.Fatal(err)
				}
				to = filepath.Join(work, to)
				if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(to, b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			// terraform get installs local modules only, offline, and leaves providers to dev_overrides.
			for _, args := range [][]string{{"fmt", "-check", "-diff", "-recursive"}, {"get", "-no-color"}, {"validate", "-no-color"}} {
				cmd := exec.Command(bin, append([]string{"-chdir=" + work}, args...)...)
				cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1")
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				if err := cmd.Run(); err != nil {
					t.Errorf("terraform %s in examples/%s: %v\n%s", strings.Join(args, " "), rel, err, out.String())
				}
			}
		})
	}
}
